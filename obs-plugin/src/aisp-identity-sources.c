/* The pictures mapped to identities ("name = path" lines of the swap_identities setting): each
 * decoded and handed over like the default source face, when it changed. The core reads the lines
 * (aisp_identity_mappings, the same parser the settings go through), so a bad line is the same
 * error here as in the settings. */
#include "aisp-source-image.h"

#include <stdio.h>
#include <string.h>
#include <obs.h>
#include <util/bmem.h>

static struct aisp_source_image *cache_of(struct aisp_identity_sources *sources, const char *name, bool *seen)
{
	for (size_t i = 0; i < sources->count; i++) {
		if (strcmp(sources->names[i], name) == 0) {
			seen[i] = true;
			return &sources->images[i];
		}
	}
	if (sources->count == AISP_MAX_IDENTITY_SOURCES)
		return NULL;
	seen[sources->count] = true;
	sources->names[sources->count] = bstrdup(name);
	return &sources->images[sources->count++];
}

static uint32_t write_mappings(void *text, char *buffer, uint32_t capacity)
{
	return aisp_core()->identity_mappings(text, buffer, capacity);
}

bool aisp_identity_sources_apply(struct aisp_identity_sources *sources, const struct aisp_core_api *core,
				 aisp_instance *instance, const char *mappings, char *error, size_t error_size)
{
	bool ok = true;
	bool seen[AISP_MAX_IDENTITY_SOURCES] = {false};
	char *json = aisp_core_text(write_mappings, (void *)(mappings ? mappings : ""), 1024);
	obs_data_t *map = json ? obs_data_create_from_json(json) : NULL;
	bfree(json);
	if (!map) {
		aisp_core_last_error(error, error_size);
		ok = false;
	}
	for (obs_data_item_t *item = map ? obs_data_first(map) : NULL; item; obs_data_item_next(&item)) {
		const char *name = obs_data_item_get_name(item), *path = obs_data_item_get_string(item);
		struct aisp_source_image *cache = cache_of(sources, name, seen);
		char problem[256] = "";
		if (!cache)
			snprintf(problem, sizeof(problem), "more than %d identities mapped; %s is left out", AISP_MAX_IDENTITY_SOURCES, name);
		else
			aisp_source_image_apply(cache, core, instance, name, path, problem, sizeof(problem));
		if (problem[0] && ok) {
			snprintf(error, error_size, "%s", problem);
			ok = false;
		}
	}
	obs_data_release(map);
	/* The core dropped the pictures of identities the settings no longer map: forget them here
	 * too, so that mapping one again sends its picture again. */
	for (size_t i = 0; i < sources->count; i++)
		if (!seen[i])
			aisp_source_image_reset(&sources->images[i]);
	return ok;
}

void aisp_identity_sources_reset(struct aisp_identity_sources *sources)
{
	for (size_t i = 0; i < sources->count; i++) {
		bfree(sources->names[i]);
		aisp_source_image_reset(&sources->images[i]);
	}
	sources->count = 0;
}
