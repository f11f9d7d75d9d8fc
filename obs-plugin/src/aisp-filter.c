/* Registration and life cycle of the "AISP Face" video filter: create, settings, status. */
#include "aisp-filter.h"

#include <stdio.h>
#include <string.h>
#include <util/bmem.h>
#include <util/dstr.h>

#include "aisp-core.h"
#include "aisp-settings.h"
#include "aisp-status.h"

#define STATUS_INTERVAL_SECONDS 1.0f

static const char *filter_name(void *unused)
{
	(void)unused;
	return obs_module_text("AispFace");
}

/* Applies settings: updates the instance, or creates it when there is none yet (core or models
 * were missing before). Runs on the UI thread; the graphics thread never waits for it. */
static void filter_update(void *data, obs_data_t *settings)
{
	struct aisp_filter *filter = data;
	const struct aisp_core_api *core = aisp_core();
	char error[AISP_SETUP_ERROR_SIZE] = "";

	if (!core) {
		snprintf(error, sizeof(error), "%s", aisp_core_error());
	} else {
		char *models_dir = obs_module_file("models");
		char *json = aisp_settings_to_json(settings, models_dir);
		aisp_instance *existing;
		pthread_mutex_lock(&filter->lock);
		existing = filter->instance;
		pthread_mutex_unlock(&filter->lock);

		if (existing) {
			if (core->update(existing, json) != AISP_OK)
				aisp_core_last_error(error, sizeof(error)); /* previous settings stay in effect */
		} else {
			aisp_instance *created = NULL;
			if (core->create(json, &created) == AISP_OK) {
				pthread_mutex_lock(&filter->lock);
				filter->instance = created;
				pthread_mutex_unlock(&filter->lock);
			} else {
				aisp_core_last_error(error, sizeof(error));
			}
		}
		bfree(json);
		bfree(models_dir);
	}

	pthread_mutex_lock(&filter->lock);
	snprintf(filter->setup_error, sizeof(filter->setup_error), "%s", error);
	pthread_mutex_unlock(&filter->lock);
	if (error[0]) {
		blog(LOG_WARNING, "[aisp] filter '%s': %s; frames pass through unfiltered",
		     obs_source_get_name(filter->context), error);
		struct dstr status = {0};
		dstr_printf(&status, "%s: %s", obs_module_text("Status.Error"), error);
		obs_data_set_string(settings, AISP_STATUS_KEY, status.array);
		dstr_free(&status);
	}
}

static void *filter_create(obs_data_t *settings, obs_source_t *context)
{
	struct aisp_filter *filter = bzalloc(sizeof(*filter));
	filter->context = context;
	pthread_mutex_init(&filter->lock, NULL);
	filter_update(filter, settings);
	return filter;
}

static void filter_destroy(void *data)
{
	struct aisp_filter *filter = data;
	const struct aisp_core_api *core = aisp_core();
	if (filter->instance && core)
		core->destroy(filter->instance);
	obs_enter_graphics();
	aisp_render_free(filter);
	obs_leave_graphics();
	pthread_mutex_destroy(&filter->lock);
	bfree(filter);
}

static obs_properties_t *filter_properties(void *data)
{
	(void)data;
	return aisp_settings_properties();
}

/* Refreshes the status text about once a second from the core's statistics. */
static void filter_tick(void *data, float seconds)
{
	struct aisp_filter *filter = data;
	filter->since_status += seconds;
	if (filter->since_status < STATUS_INTERVAL_SECONDS)
		return;
	filter->since_status = 0;

	char text[768];
	const struct aisp_core_api *core = aisp_core();
	if (pthread_mutex_trylock(&filter->lock) != 0)
		return;
	if (filter->setup_error[0]) {
		snprintf(text, sizeof(text), "%s: %s", obs_module_text("Status.Error"), filter->setup_error);
	} else if (filter->instance && core) {
		aisp_stats stats = {.struct_size = sizeof(aisp_stats)};
		if (core->get_stats(filter->instance, &stats) == AISP_OK)
			aisp_status_format(&stats, text, sizeof(text));
		else
			aisp_core_last_error(text, sizeof(text));
	} else {
		snprintf(text, sizeof(text), "%s", obs_module_text("Status.Starting"));
	}
	pthread_mutex_unlock(&filter->lock);

	obs_data_t *settings = obs_source_get_settings(filter->context);
	if (strcmp(obs_data_get_string(settings, AISP_STATUS_KEY), text) != 0) {
		obs_data_set_string(settings, AISP_STATUS_KEY, text);
		obs_source_update_properties(filter->context);
	}
	obs_data_release(settings);
}

bool aisp_filter_process(struct aisp_filter *filter, const aisp_frame *frame)
{
	const struct aisp_core_api *core = aisp_core();
	if (!core || pthread_mutex_trylock(&filter->lock) != 0)
		return false;
	bool ok = filter->instance && core->process_frame(filter->instance, frame) == AISP_OK;
	pthread_mutex_unlock(&filter->lock);
	return ok;
}

struct obs_source_info aisp_filter_info = {
	.id = AISP_FILTER_ID,
	.type = OBS_SOURCE_TYPE_FILTER,
	/* Not OBS_SOURCE_ASYNC: libobs would then refuse the filter on synchronous sources. Async
	 * sources still call filter_video. */
	.output_flags = OBS_SOURCE_VIDEO,
	.get_name = filter_name,
	.create = filter_create,
	.destroy = filter_destroy,
	.update = filter_update,
	.get_defaults = aisp_settings_defaults,
	.get_properties = filter_properties,
	.video_tick = filter_tick,
	.filter_video = aisp_filter_video,
	.video_render = aisp_filter_render,
};
