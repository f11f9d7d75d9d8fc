#include "aisp-platform.h"

#include <stdio.h>
#include <stdlib.h>

#ifdef _WIN32
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

const char aisp_core_file_name[] = "aisp_core.dll";

void *aisp_library_open(const char *path, char *error, size_t error_size)
{
	wchar_t wide[MAX_PATH * 4];
	if (!MultiByteToWideChar(CP_UTF8, 0, path, -1, wide, (int)(sizeof(wide) / sizeof(wide[0])))) {
		snprintf(error, error_size, "the path is not valid UTF-8 or too long");
		return NULL;
	}
	/* onnxruntime.dll and the other libraries of the core lie beside it, not on PATH. */
	HMODULE library = LoadLibraryExW(wide, NULL, LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_DEFAULT_DIRS);
	if (!library) {
		DWORD code = GetLastError();
		char reason[256] = "";
		FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code, 0, reason,
			       sizeof(reason), NULL);
		snprintf(error, error_size, "error %lu: %s", (unsigned long)code, reason);
	}
	return (void *)library;
}

void *aisp_library_symbol(void *library, const char *name)
{
	return (void *)GetProcAddress((HMODULE)library, name);
}

void aisp_library_close(void *library)
{
	FreeLibrary((HMODULE)library);
}

void aisp_set_environment(const char *name, const char *value)
{
	_putenv_s(name, value);
}

void aisp_utc_time(time_t t, struct tm *out)
{
	gmtime_s(out, &t);
}

#else
#include <dlfcn.h>

#ifdef __APPLE__
const char aisp_core_file_name[] = "aisp_core.dylib";
#else
const char aisp_core_file_name[] = "aisp_core.so";
#endif

void *aisp_library_open(const char *path, char *error, size_t error_size)
{
	void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!library)
		snprintf(error, error_size, "%s", dlerror());
	return library;
}

void *aisp_library_symbol(void *library, const char *name)
{
	return dlsym(library, name);
}

void aisp_library_close(void *library)
{
	dlclose(library);
}

void aisp_set_environment(const char *name, const char *value)
{
	setenv(name, value, 1);
}

void aisp_utc_time(time_t t, struct tm *out)
{
	gmtime_r(&t, out);
}
#endif
