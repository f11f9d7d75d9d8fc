#include "aisp-core.h"
#include "aisp-platform.h"

#include <stdio.h>
#include <string.h>
#include <obs-module.h>

static void *core_handle;
static struct aisp_core_api core_api;
static bool core_loaded;
static char core_error[512];

static void forward_log(void *user_data, int32_t level, const char *message)
{
	(void)user_data;
	int obs_level = level >= AISP_LOG_ERROR ? LOG_ERROR : level == AISP_LOG_WARNING ? LOG_WARNING
				      : level == AISP_LOG_INFO  ? LOG_INFO
								: LOG_DEBUG;
	blog(obs_level, "[aisp] %s", message);
}

#define RESOLVE(field, name)                                                                 \
	do {                                                                                 \
		*(void **)&core_api.field = aisp_library_symbol(core_handle, name);                        \
		if (!core_api.field) {                                                       \
			snprintf(error, error_size, "%s lacks the export %s", core_path, name); \
			goto fail;                                                           \
		}                                                                            \
	} while (0)

bool aisp_core_load(const char *core_path, char *error, size_t error_size)
{
	char reason[300];
	core_handle = aisp_library_open(core_path, reason, sizeof(reason));
	if (!core_handle) {
		snprintf(error, error_size, "cannot load the AISP core %s: %s", core_path, reason);
		goto fail;
	}
	RESOLVE(abi_version, "aisp_abi_version");
	RESOLVE(last_error, "aisp_last_error");
	RESOLVE(set_log_callback, "aisp_set_log_callback");
	RESOLVE(create, "aisp_create");
	RESOLVE(update, "aisp_update");
	RESOLVE(process_frame, "aisp_process_frame");
	RESOLVE(render, "aisp_render");
	RESOLVE(set_source_image, "aisp_set_source_image");
	RESOLVE(set_identity_source, "aisp_set_identity_source");
	RESOLVE(set_background_image, "aisp_set_background_image");
	RESOLVE(validate_settings, "aisp_validate_settings");
	RESOLVE(check_remote_settings, "aisp_check_remote_settings");
	RESOLVE(next_event, "aisp_next_event");
	RESOLVE(set_paused, "aisp_set_paused");
	RESOLVE(suggest, "aisp_suggest");
	RESOLVE(settings_schema, "aisp_settings_schema");
	RESOLVE(status_json, "aisp_status_json");
	RESOLVE(identity_mappings, "aisp_identity_mappings");
	RESOLVE(get_stats, "aisp_get_stats");
	RESOLVE(destroy, "aisp_destroy");
	if (core_api.abi_version() != AISP_ABI_VERSION) {
		snprintf(error, error_size, "the AISP core %s has ABI %u, this plugin needs %u", core_path,
			 core_api.abi_version(), AISP_ABI_VERSION);
		goto fail;
	}
	core_api.set_log_callback(forward_log, NULL, AISP_LOG_INFO);
	core_loaded = true;
	core_error[0] = '\0';
	return true;

fail:
	snprintf(core_error, sizeof(core_error), "%s", error);
	if (core_handle) {
		aisp_library_close(core_handle);
		core_handle = NULL;
	}
	memset(&core_api, 0, sizeof(core_api));
	return false;
}

void aisp_core_unload(void)
{
	if (core_loaded)
		core_api.set_log_callback(NULL, NULL, AISP_LOG_INFO);
	/* The .NET runtime inside the core cannot be unloaded safely: keep the mapping. */
	core_loaded = false;
}

const struct aisp_core_api *aisp_core(void)
{
	return core_loaded ? &core_api : NULL;
}

const char *aisp_core_error(void)
{
	return core_error;
}

void aisp_core_last_error(char *buffer, size_t size)
{
	if (!core_loaded) {
		snprintf(buffer, size, "%s", core_error);
		return;
	}
	core_api.last_error(buffer, (uint32_t)size);
}

char *aisp_core_text(aisp_core_writer write, void *context, uint32_t capacity)
{
	char *text = bmalloc(capacity);
	uint32_t length = write(context, text, capacity);
	if (length >= capacity) {
		capacity = length + 1;
		text = brealloc(text, capacity);
		length = write(context, text, capacity);
	}
	if (length == 0 || length >= capacity) {
		bfree(text);
		return NULL;
	}
	return text;
}
