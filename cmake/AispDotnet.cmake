# Publishes the NativeAOT core (managed/Aisp.Native) as aisp_core.so (.dll, .dylib), with the
# ONNX Runtime libraries it loads, into the plugin's bin folder beside the OBS module. NativeAOT
# compiles for the system it runs on: Linux here, Windows and macOS on their own machines (CI).
find_program(DOTNET_EXECUTABLE dotnet REQUIRED)

if(WIN32)
  set(AISP_DOTNET_RID "win-x64")
  set(AISP_CORE_FILES PATTERN "aisp_core.dll" PATTERN "onnxruntime*.dll" PATTERN "e_sqlite3.dll")
  set(AISP_CORE_NAME "aisp_core.dll")
elseif(APPLE)
  set(AISP_DOTNET_RID "osx-arm64")
  set(AISP_CORE_FILES PATTERN "aisp_core.dylib" PATTERN "libonnxruntime*.dylib" PATTERN "libe_sqlite3.dylib")
  set(AISP_CORE_NAME "aisp_core.dylib")
else()
  set(AISP_DOTNET_RID "linux-x64")
  set(AISP_CORE_FILES PATTERN "aisp_core.so" PATTERN "libonnxruntime*.so*" PATTERN "libe_sqlite3.so")
  set(AISP_CORE_NAME "aisp_core.so")
endif()
set(AISP_CORE_LIBRARY "${AISP_PLUGIN_BIN_DIR}/${AISP_CORE_NAME}")
file(GLOB_RECURSE AISP_MANAGED_SOURCES CONFIGURE_DEPENDS
  "${CMAKE_SOURCE_DIR}/managed/Aisp.Core/*.cs" "${CMAKE_SOURCE_DIR}/managed/Aisp.Core/*.csproj"
  "${CMAKE_SOURCE_DIR}/managed/Aisp.Native/*.cs" "${CMAKE_SOURCE_DIR}/managed/Aisp.Native/*.csproj"
  "${CMAKE_SOURCE_DIR}/managed/Directory.Build.props")

add_custom_command(
  OUTPUT "${AISP_CORE_LIBRARY}"
  COMMAND "${DOTNET_EXECUTABLE}" publish "${CMAKE_SOURCE_DIR}/managed/Aisp.Native/Aisp.Native.csproj"
          -c Release -r ${AISP_DOTNET_RID} --nologo -v:q -o "${AISP_PLUGIN_BIN_DIR}"
  # Debug symbols and pdbs are not part of the plugin.
  COMMAND "${CMAKE_COMMAND}" -E rm -f "${AISP_PLUGIN_BIN_DIR}/aisp_core.so.dbg" "${AISP_PLUGIN_BIN_DIR}/aisp_core.pdb" "${AISP_PLUGIN_BIN_DIR}/Aisp.Core.pdb"
  DEPENDS ${AISP_MANAGED_SOURCES}
  COMMENT "Publishing the NativeAOT core (dotnet publish)"
  VERBATIM)
add_custom_target(aisp_core ALL DEPENDS "${AISP_CORE_LIBRARY}")

install(DIRECTORY "${AISP_PLUGIN_BIN_DIR}/" DESTINATION "${AISP_USER_BIN_DEST}" FILES_MATCHING ${AISP_CORE_FILES})
install(DIRECTORY "${AISP_PLUGIN_BIN_DIR}/" DESTINATION "${AISP_SYSTEM_CORE_DEST}" COMPONENT system EXCLUDE_FROM_ALL
  FILES_MATCHING ${AISP_CORE_FILES})
