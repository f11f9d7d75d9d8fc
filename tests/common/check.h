/* Shared by the C tests: a non-fatal CHECK that counts, and reading a raw test frame. */
#pragma once

#include <stdio.h>
#include <stdlib.h>

static int failures, checks;

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		checks++;                                                    \
		if (!(cond)) {                                               \
			failures++;                                          \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                        \
			fprintf(stderr, "\n");                               \
		}                                                            \
	} while (0)

/* Reads exactly size bytes of dir/name or exits with 2 (a missing fixture is not a test failure). */
static inline char *read_frame_file(const char *dir, const char *name, size_t size)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(2);
	}
	char *data = malloc(size);
	size_t n = fread(data, 1, size, f);
	fclose(f);
	if (n != size) {
		fprintf(stderr, "%s has %zu bytes, expected %zu\n", path, n, size);
		exit(2);
	}
	return data;
}
