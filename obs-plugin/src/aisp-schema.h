/* The core's settings schema (aisp_settings_schema), read once when the module loads: the list
 * the plugin builds its defaults, properties, visibility and the core's JSON from. */
#pragma once

#include <obs-module.h>

/* Reads the schema from the loaded core; without a core there is none (the properties then show
 * only the status, which says why). */
void aisp_schema_load(void);
void aisp_schema_free(void);

/* The number of settings, and the i-th ({"key", "kind", ...}; not to be released); 0/NULL without a core. */
size_t aisp_schema_count(void);
obs_data_t *aisp_schema_setting(size_t i);

/* The setting with this key, or NULL. */
obs_data_t *aisp_schema_find(const char *key);
