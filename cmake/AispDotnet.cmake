# Publishes the NativeAOT core (managed/Aisp.Native) as aisp_core.so, with the ONNX Runtime
# libraries it loads, into the plugin's bin folder beside the OBS module.
find_program(DOTNET_EXECUTABLE dotnet REQUIRED)

set(AISP_CORE_LIBRARY "${AISP_PLUGIN_BIN_DIR}/aisp_core.so")
file(GLOB_RECURSE AISP_MANAGED_SOURCES CONFIGURE_DEPENDS
  "${CMAKE_SOURCE_DIR}/managed/Aisp.Core/*.cs" "${CMAKE_SOURCE_DIR}/managed/Aisp.Core/*.csproj"
  "${CMAKE_SOURCE_DIR}/managed/Aisp.Native/*.cs" "${CMAKE_SOURCE_DIR}/managed/Aisp.Native/*.csproj"
  "${CMAKE_SOURCE_DIR}/managed/Directory.Build.props")

add_custom_command(
  OUTPUT "${AISP_CORE_LIBRARY}"
  COMMAND "${DOTNET_EXECUTABLE}" publish "${CMAKE_SOURCE_DIR}/managed/Aisp.Native/Aisp.Native.csproj"
          -c Release -r linux-x64 --nologo -v:q -o "${AISP_PLUGIN_BIN_DIR}"
  # Debug symbols and pdbs are not part of the plugin.
  COMMAND "${CMAKE_COMMAND}" -E rm -f "${AISP_PLUGIN_BIN_DIR}/aisp_core.so.dbg" "${AISP_PLUGIN_BIN_DIR}/Aisp.Core.pdb"
  DEPENDS ${AISP_MANAGED_SOURCES}
  COMMENT "Publishing the NativeAOT core (dotnet publish)"
  VERBATIM)
add_custom_target(aisp_core ALL DEPENDS "${AISP_CORE_LIBRARY}")

set(AISP_CORE_FILES PATTERN "aisp_core.so" PATTERN "libonnxruntime*.so*" PATTERN "libe_sqlite3.so")
install(DIRECTORY "${AISP_PLUGIN_BIN_DIR}/" DESTINATION "${AISP_USER_BIN_DEST}" FILES_MATCHING ${AISP_CORE_FILES})
install(DIRECTORY "${AISP_PLUGIN_BIN_DIR}/" DESTINATION "${AISP_SYSTEM_CORE_DEST}" COMPONENT system EXCLUDE_FROM_ALL
  FILES_MATCHING ${AISP_CORE_FILES})
