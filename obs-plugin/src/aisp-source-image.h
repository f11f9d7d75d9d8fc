/* Source face pictures: decoded by libobs's image loader (the core decodes no files) and handed to
 * the core, again only when the path or the file's modification time changes. One cache for the
 * default source face, and a set of them for the pictures mapped to identities. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "aisp.h"
#include "aisp-core.h"

#define AISP_MAX_IDENTITY_SOURCES 16

struct aisp_source_image {
	char *path;     /* path last handed to the core, NULL if none */
	int64_t mtime;  /* its modification time then */
};

/* Pictures per identity (settings "swap_identities": "name = path" lines). */
struct aisp_identity_sources {
	char *names[AISP_MAX_IDENTITY_SOURCES];
	struct aisp_source_image images[AISP_MAX_IDENTITY_SOURCES];
	size_t count;
};

/* Hands the picture at path to the instance if it changed: as the default source face when
 * identity is NULL, else as the picture of that identity. Returns false and fills error on a
 * problem the plugin sees itself (missing, unreadable, too big a file); the core's own verdict
 * (no face in it...) shows up in its statistics. An empty path clears nothing: the core keeps
 * the last face until another picture is chosen. */
bool aisp_source_image_apply(struct aisp_source_image *cache, const struct aisp_core_api *core,
			     aisp_instance *instance, const char *identity, const char *path, char *error,
			     size_t error_size);

/* The same for the picture that replaces the background (setting "background_image"). */
bool aisp_background_image_apply(struct aisp_source_image *cache, const struct aisp_core_api *core,
				 aisp_instance *instance, const char *path, char *error, size_t error_size);

void aisp_source_image_reset(struct aisp_source_image *cache);

/* Hands over every mapped picture that changed (the core drops mappings the settings no longer
 * name by itself). Returns false with the first problem in error; the other pictures still go. */
bool aisp_identity_sources_apply(struct aisp_identity_sources *sources, const struct aisp_core_api *core,
				 aisp_instance *instance, const char *mappings, char *error, size_t error_size);

void aisp_identity_sources_reset(struct aisp_identity_sources *sources);
