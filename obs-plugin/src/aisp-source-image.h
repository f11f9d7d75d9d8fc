/* The source face picture: decoded by libobs's image loader (the core decodes no files) and
 * handed to the core, again only when the path or the file's modification time changes. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "aisp.h"
#include "aisp-core.h"

struct aisp_source_image {
	char *path;     /* path last handed to the core, NULL if none */
	int64_t mtime;  /* its modification time then */
};

/* Hands the picture at path to the instance if it changed. Returns false and fills error on a
 * problem the plugin sees itself (missing, unreadable, too big a file); the core's own verdict
 * (no face in it...) shows up in its statistics. An empty path clears nothing: the core keeps
 * the last face until another picture is chosen. */
bool aisp_source_image_apply(struct aisp_source_image *cache, const struct aisp_core_api *core,
			     aisp_instance *instance, const char *path, char *error, size_t error_size);

void aisp_source_image_reset(struct aisp_source_image *cache);
