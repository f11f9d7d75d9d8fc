/* Loads the NativeAOT core (aisp_core.so) beside this module at run time, so a missing or
 * broken core is an error shown in the properties instead of a module that fails to load. */
#pragma once

#include <stdbool.h>
#include "aisp.h"

struct aisp_core_api {
	uint32_t (*abi_version)(void);
	uint32_t (*last_error)(char *buffer, uint32_t capacity);
	aisp_status (*set_log_callback)(aisp_log_callback callback, void *user_data, int32_t min_level);
	aisp_status (*create)(const char *settings_json, aisp_instance **out_instance);
	aisp_status (*update)(aisp_instance *instance, const char *settings_json);
	aisp_status (*validate_settings)(const char *settings_json);
	aisp_status (*check_remote_settings)(const char *change_json, const char *current_json);
	aisp_status (*process_frame)(aisp_instance *instance, const aisp_frame *frame);
	aisp_status (*set_source_image)(aisp_instance *instance, const aisp_frame *image, const char *label);
	aisp_status (*set_background_image)(aisp_instance *instance, const aisp_frame *image, const char *label);
	aisp_status (*set_identity_source)(aisp_instance *instance, const char *identity, const aisp_frame *image,
					   const char *label);
	aisp_status (*render)(aisp_instance *instance, const aisp_gpu_frame *frame);
	aisp_status (*get_stats)(aisp_instance *instance, aisp_stats *stats);
	uint32_t (*next_event)(aisp_instance *instance, char *buffer, uint32_t capacity);
	aisp_status (*set_paused)(aisp_instance *instance, int32_t paused);
	uint32_t (*suggest)(const char *instruction, const char *status_json, char *buffer, uint32_t capacity);
	uint32_t (*settings_schema)(char *buffer, uint32_t capacity);
	uint32_t (*status_json)(aisp_instance *instance, char *buffer, uint32_t capacity);
	uint32_t (*identity_mappings)(const char *text, char *buffer, uint32_t capacity);
	void (*destroy)(aisp_instance *instance);
};

/* Loads the core from core_path; on failure returns false and fills error. */
bool aisp_core_load(const char *core_path, char *error, size_t error_size);
void aisp_core_unload(void);

/* The loaded core's functions, or NULL when it is not loaded. */
const struct aisp_core_api *aisp_core(void);

/* Why the core is not loaded ("" when it is). */
const char *aisp_core_error(void);

/* Copies the core's last error on this thread into buffer. */
void aisp_core_last_error(char *buffer, size_t size);

/* One of the core's text calls (written like aisp_suggest: the full length returned, 0 on failure). */
typedef uint32_t (*aisp_core_writer)(void *context, char *buffer, uint32_t capacity);

/* The whole text of a core text call, with a buffer that grows to fit (starting at capacity);
 * NULL on failure (aisp_core_last_error says why). bfree it. */
char *aisp_core_text(aisp_core_writer write, void *context, uint32_t capacity);
