/* The filter's settings: defaults, OBS properties and their visibility, and the JSON object the
 * core reads, all built from the core's settings schema (aisp-schema.h, aisp_settings_schema). */
#pragma once

#include <obs-module.h>

#define AISP_STATUS_KEY "status"

void aisp_settings_defaults(obs_data_t *settings);
/* The properties, with the live status line shown as the read-only "status" text (never a
 * setting) and a button that calls refresh(props, button, data) to show a newer one. */
obs_properties_t *aisp_settings_properties(const char *status, obs_property_clicked_t refresh, void *data);

/* Whether key is one of the filter's settings (what the properties and remote control may set). */
bool aisp_settings_known(const char *key);

/* Returns the settings as the core's JSON (with models_dir); free with bfree. */
char *aisp_settings_to_json(obs_data_t *settings, const char *models_dir);
