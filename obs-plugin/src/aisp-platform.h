#pragma once
/* What differs between Linux, macOS and Windows inside the module, in one place: the core's file
 * name, loading a shared library with a readable error, and the process environment. */
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* "aisp_core.so", "aisp_core.dylib" or "aisp_core.dll". */
extern const char aisp_core_file_name[];

/* Opens a library by its UTF-8 path (its own folder searched for its dependencies); on failure
 * NULL with the system's reason in error. */
void *aisp_library_open(const char *path, char *error, size_t error_size);
void *aisp_library_symbol(void *library, const char *name);
void aisp_library_close(void *library);

void aisp_set_environment(const char *name, const char *value);

/* The calendar time of t in UTC (gmtime_r, or gmtime_s on Windows). */
void aisp_utc_time(time_t t, struct tm *out);
