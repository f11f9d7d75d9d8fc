# Compresses the man page (MAN_IN to MAN_OUT), and keeps only what the published aisp command runs with on KEEP_RID: NuGet packages ship native
# libraries for every platform under runtimes/, and the debug databases are not part of a release.
file(GLOB rids LIST_DIRECTORIES true "${DIR}/runtimes/*")
foreach(rid IN LISTS rids)
  get_filename_component(name "${rid}" NAME)
  if(NOT name STREQUAL KEEP_RID)
    file(REMOVE_RECURSE "${rid}")
  endif()
endforeach()
file(GLOB pdbs "${DIR}/*.pdb" "${DIR}/*.dbg")
if(pdbs)
  file(REMOVE ${pdbs})
endif()

execute_process(COMMAND gzip -9nc "${MAN_IN}" OUTPUT_FILE "${MAN_OUT}" RESULT_VARIABLE gzip_status)
if(NOT gzip_status EQUAL 0)
  message(FATAL_ERROR "gzip ${MAN_IN} failed: ${gzip_status}")
endif()
