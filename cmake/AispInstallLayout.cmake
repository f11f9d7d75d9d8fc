# Two install layouts of the same files (docs/PLATFORMS.md, README's Install section):
# - per user (the default component): <prefix>/aisp/bin/64bit and <prefix>/aisp/data, the way OBS
#   reads ~/.config/obs-studio/plugins. Without --prefix, `cmake --install` takes the HOME of whoever
#   installs, read when installing, never the HOME of whoever configured the build.
# - system (component "system", installed only when asked for by name: the Debian package): the
#   module in lib/<arch>/obs-plugins, the core and its libraries in lib/<arch>/obs-plugins/aisp (OBS
#   takes every library directly in obs-plugins/ for a module), the data in share/obs/obs-plugins/aisp,
#   and the aisp command (cmake/AispCommand.cmake).
set(AISP_USER_PREFIX "~/.config/obs-studio/plugins")
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX "${AISP_USER_PREFIX}" CACHE STRING "Install prefix (~ is the installing user's HOME)" FORCE)
endif()
# Runs first in cmake_install.cmake, so every rule after it sees the resolved prefix.
install(CODE [[
  if(CMAKE_INSTALL_PREFIX MATCHES "^~/")
    if(NOT DEFINED ENV{HOME} OR "$ENV{HOME}" STREQUAL "")
      message(FATAL_ERROR "HOME is not set: give cmake --install a --prefix")
    endif()
    string(REGEX REPLACE "^~" "$ENV{HOME}" CMAKE_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
  endif()
]])

set(AISP_USER_BIN_DEST "aisp/bin/64bit")
set(AISP_USER_DATA_DEST "aisp/data")
if(CMAKE_LIBRARY_ARCHITECTURE)
  set(AISP_SYSTEM_MODULE_DEST "lib/${CMAKE_LIBRARY_ARCHITECTURE}/obs-plugins")
else()
  set(AISP_SYSTEM_MODULE_DEST "lib/obs-plugins")
endif()
set(AISP_SYSTEM_CORE_DEST "${AISP_SYSTEM_MODULE_DEST}/aisp")
set(AISP_SYSTEM_DATA_DEST "share/obs/obs-plugins/aisp")
# The system layout as packages install it (CPACK_PACKAGING_INSTALL_PREFIX).
set(AISP_SYSTEM_PREFIX "/usr")
