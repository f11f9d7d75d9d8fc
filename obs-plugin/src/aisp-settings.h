/* The filter's settings: defaults, OBS properties, and the JSON object the core reads.
 * Keys and ranges are the core's (managed/Aisp.Core/Settings); the core validates them again. */
#pragma once

#include <obs-module.h>

#define AISP_STATUS_KEY "status"

void aisp_settings_defaults(obs_data_t *settings);
obs_properties_t *aisp_settings_properties(void);

/* Returns the settings as the core's JSON (with models_dir); free with bfree. */
char *aisp_settings_to_json(obs_data_t *settings, const char *models_dir);
