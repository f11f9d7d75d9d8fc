# OBS::libobs for a Windows module cross-compiled on Linux without the OBS SDK: libobs's public
# headers (Debian's libobs-dev, the same API on every platform; the one Windows-only header they
# need is in include/) and an import library for obs.dll made from libobs.def by dlltool. The core
# (NativeAOT), the models and the tests are built on Windows itself (docs/PLATFORMS.md).
find_path(AISP_LIBOBS_INCLUDE_DIR obs-module.h PATHS /usr/include/obs NO_CMAKE_FIND_ROOT_PATH REQUIRED)
# util/sse-intrin.h takes SSE2 from SIMDe (header-only, Debian's libsimde-dev) on every compiler but
# MSVC; a folder holding only it keeps Linux's other headers out of the mingw build.
find_path(AISP_SIMDE_INCLUDE_DIR simde/x86/sse2.h PATHS /usr/include NO_CMAKE_FIND_ROOT_PATH REQUIRED)
set(AISP_SIMDE_ONLY_DIR "${CMAKE_BINARY_DIR}/simde-include")
file(MAKE_DIRECTORY "${AISP_SIMDE_ONLY_DIR}")
file(CREATE_LINK "${AISP_SIMDE_INCLUDE_DIR}/simde" "${AISP_SIMDE_ONLY_DIR}/simde" SYMBOLIC)
find_program(AISP_DLLTOOL NAMES ${CMAKE_DLLTOOL} x86_64-w64-mingw32-dlltool REQUIRED)

set(AISP_LIBOBS_IMPORT "${CMAKE_BINARY_DIR}/libobs.dll.a")
add_custom_command(OUTPUT "${AISP_LIBOBS_IMPORT}"
  COMMAND "${AISP_DLLTOOL}" -d "${CMAKE_CURRENT_LIST_DIR}/libobs.def" -l "${AISP_LIBOBS_IMPORT}"
  DEPENDS "${CMAKE_CURRENT_LIST_DIR}/libobs.def"
  COMMENT "Import library for obs.dll (libobs.def)"
  VERBATIM)
add_custom_target(aisp_libobs_import DEPENDS "${AISP_LIBOBS_IMPORT}")

add_library(OBS::libobs UNKNOWN IMPORTED)
set_target_properties(OBS::libobs PROPERTIES
  IMPORTED_LOCATION "${AISP_LIBOBS_IMPORT}"
  INTERFACE_INCLUDE_DIRECTORIES "${CMAKE_CURRENT_LIST_DIR}/include;${AISP_LIBOBS_INCLUDE_DIR};${AISP_SIMDE_ONLY_DIR}")
