#pragma once
/* libobs's util/threading.h includes this header ("threading-windows.h", found on the include path)
 * on Windows; Debian's libobs-dev ships only the POSIX one. Its functions (os_atomic_*) are inline and use GCC's __atomic builtins, which
 * mingw-w64's GCC has as well, so the cross build takes them: nothing of it crosses into obs.dll. */
#include <util/threading-posix.h>
