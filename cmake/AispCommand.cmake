# The aisp command as the packages ship it: the CLI published self-contained (no .NET needed on the
# user's machine) with only this platform's native libraries, a launcher that points it at the
# installed plugin's models, its systemd user service and its man page. Built on request
# (scripts/package.sh): `cmake --build build --target aisp_cli_dist`.
set(AISP_CLI_RID "linux-x64")
set(AISP_CLI_DIST_DIR "${CMAKE_BINARY_DIR}/cli-dist")
set(AISP_PACKAGING_DIR "${CMAKE_BINARY_DIR}/packaging")

add_custom_target(aisp_cli_dist
  COMMAND "${CMAKE_COMMAND}" -E rm -rf "${AISP_CLI_DIST_DIR}"
  COMMAND "${DOTNET_EXECUTABLE}" publish "${CMAKE_SOURCE_DIR}/managed/Aisp.Cli" -c Release -r ${AISP_CLI_RID}
          --self-contained --nologo -v:q -o "${AISP_CLI_DIST_DIR}"
  COMMAND "${CMAKE_COMMAND}" -DDIR=${AISP_CLI_DIST_DIR} -DKEEP_RID=${AISP_CLI_RID}
          -DMAN_IN=${CMAKE_SOURCE_DIR}/cmake/linux/aisp.1 -DMAN_OUT=${AISP_PACKAGING_DIR}/aisp.1.gz
          -P "${CMAKE_SOURCE_DIR}/cmake/linux/prune-cli.cmake"
  COMMENT "Publishing the aisp command (self-contained, ${AISP_CLI_RID})"
  VERBATIM)
# Two dotnet builds of Aisp.Core must not overlap.
add_dependencies(aisp_cli_dist aisp_core)

# The system layout's launcher and service; the per-user tarball's install.sh writes its own.
set(AISP_COMMAND_CLI "${AISP_SYSTEM_PREFIX}/lib/aisp/aisp")
set(AISP_COMMAND_MODELS "${AISP_SYSTEM_PREFIX}/${AISP_SYSTEM_DATA_DEST}/models")
set(AISP_COMMAND "${AISP_SYSTEM_PREFIX}/bin/aisp")
configure_file("${CMAKE_SOURCE_DIR}/cmake/linux/aisp-launcher.in" "${AISP_PACKAGING_DIR}/aisp" @ONLY)
configure_file("${CMAKE_SOURCE_DIR}/cmake/linux/aisp.service.in" "${AISP_PACKAGING_DIR}/aisp.service" @ONLY)

install(DIRECTORY "${AISP_CLI_DIST_DIR}/" DESTINATION lib/aisp USE_SOURCE_PERMISSIONS COMPONENT system EXCLUDE_FROM_ALL)
install(PROGRAMS "${AISP_PACKAGING_DIR}/aisp" DESTINATION bin COMPONENT system EXCLUDE_FROM_ALL)
install(FILES "${AISP_PACKAGING_DIR}/aisp.service" DESTINATION lib/systemd/user COMPONENT system EXCLUDE_FROM_ALL)
install(FILES "${AISP_PACKAGING_DIR}/aisp.1.gz" DESTINATION share/man/man1 COMPONENT system EXCLUDE_FROM_ALL)
