/* Registration and life cycle of the "AISP Face" video filter: create, settings, status. */
#include "aisp-filter.h"

#include <stdio.h>
#include <string.h>
#include <util/bmem.h>

#include "aisp-core.h"
#include "aisp-remote.h"
#include "aisp-settings.h"
#include "aisp-status.h"

#define STATUS_INTERVAL_SECONDS 1.0f

static const char *filter_name(void *unused)
{
	(void)unused;
	return obs_module_text("AispFace");
}

struct update_task {
	struct aisp_filter *filter;
	char *json;
	char *source_image;
	char *identity_sources; /* "name = path" lines */
	char *background_image;
	bool privacy;     /* the engine these settings choose is privacy */
	bool faces_shown; /* ... or one that shows faces as they are (none, landmarks) */
};

/* On the filter's worker: updates the instance, or creates it when there is none yet (core or
 * models were missing before), then hands over the source face picture if it changed. */
static void run_update(void *param)
{
	struct update_task *task = param;
	struct aisp_filter *filter = task->filter;
	const struct aisp_core_api *core = aisp_core();
	char error[AISP_SETUP_ERROR_SIZE] = "";

	if (!core) {
		snprintf(error, sizeof(error), "%s", aisp_core_error());
	} else {
		aisp_instance *existing = atomic_load(&filter->instance);

		if (existing) {
			if (core->update(existing, task->json) == AISP_OK)
				atomic_store(&filter->faces_shown, task->faces_shown);
			else
				aisp_core_last_error(error, sizeof(error)); /* previous settings stay in effect */
		} else {
			aisp_instance *created = NULL;
			if (core->create(task->json, &created) == AISP_OK) {
				atomic_store(&filter->faces_shown, task->faces_shown);
				atomic_store(&filter->instance, created);
				existing = created;
				aisp_source_image_reset(&filter->source_image); /* a new instance has no face yet */
				aisp_identity_sources_reset(&filter->identity_sources);
				aisp_source_image_reset(&filter->background_image);
			} else {
				aisp_core_last_error(error, sizeof(error));
			}
		}
		if (existing && !error[0] &&
		    aisp_source_image_apply(&filter->source_image, core, existing, NULL, task->source_image, error,
					    sizeof(error)))
			aisp_identity_sources_apply(&filter->identity_sources, core, existing, task->identity_sources,
						    error, sizeof(error));
		if (existing && !error[0])
			aisp_background_image_apply(&filter->background_image, core, existing, task->background_image,
						    error, sizeof(error));
	}

	pthread_mutex_lock(&filter->lock);
	snprintf(filter->setup_error, sizeof(filter->setup_error), "%s", error);
	pthread_mutex_unlock(&filter->lock);
	if (error[0])
		blog(LOG_WARNING, "[aisp] filter '%s': %s; frames pass through unfiltered",
		     obs_source_get_name(filter->context), error);

	bfree(task->json);
	bfree(task->source_image);
	bfree(task->identity_sources);
	bfree(task->background_image);
	bfree(task);
}

static void filter_update(void *data, obs_data_t *settings)
{
	struct aisp_filter *filter = data;
	char *models_dir = obs_module_file("models");
	struct update_task *task = bzalloc(sizeof(*task));
	task->filter = filter;
	task->json = aisp_settings_to_json(settings, models_dir);
	task->source_image = bstrdup(obs_data_get_string(settings, "source_image"));
	task->identity_sources = bstrdup(obs_data_get_string(settings, "swap_identities"));
	task->background_image = bstrdup(obs_data_get_string(settings, "background_image"));
	const char *engine = obs_data_get_string(settings, "engine");
	task->privacy = strcmp(engine, "privacy") == 0;
	task->faces_shown = strcmp(engine, "none") == 0 || strcmp(engine, "landmarks") == 0;
	atomic_store(&filter->privacy_wanted, task->privacy); /* from this frame on, until the core runs it */
	atomic_store(&filter->identities, obs_data_get_string(settings, "face_library")[0] != '\0');
	bfree(models_dir);
	os_task_queue_queue_task(filter->updates, run_update, task);
}

/* Proc "aisp_wait_updates()": returns once every settings change so far has been applied
 * (scripts and tests that must not race the worker). */
static void proc_wait_updates(void *data, calldata_t *cd)
{
	(void)cd;
	struct aisp_filter *filter = data;
	os_task_queue_wait(filter->updates);
}

/* Proc "aisp_get_stats(in ptr stats)": fills the caller's aisp_stats (struct_size set) from the
 * core, for scripts, benchmarks and, later, remote control; "ok" says whether it could. */
static void proc_get_stats(void *data, calldata_t *cd)
{
	struct aisp_filter *filter = data;
	const struct aisp_core_api *core = aisp_core();
	aisp_stats *stats = calldata_ptr(cd, "stats");
	aisp_instance *instance = atomic_load(&filter->instance);
	bool ok = core && instance && stats && core->get_stats(instance, stats) == AISP_OK;
	calldata_set_bool(cd, "ok", ok);
}

/* Copies the newest status line (UI thread; the lock is only ever held for a copy). */
static void copy_status(struct aisp_filter *filter, char *out, size_t size)
{
	pthread_mutex_lock(&filter->lock);
	snprintf(out, size, "%s", filter->status);
	pthread_mutex_unlock(&filter->lock);
}

/* Proc "aisp_status(out string text)": the status line the properties show (scripts, tests). */
static void proc_status(void *data, calldata_t *cd)
{
	char text[768];
	copy_status(data, text, sizeof(text));
	calldata_set_string(cd, "text", text);
}

static void *filter_create(obs_data_t *settings, obs_source_t *context)
{
	struct aisp_filter *filter = bzalloc(sizeof(*filter));
	filter->context = context;
	snprintf(filter->status, sizeof(filter->status), "%s", obs_module_text("Status.Starting"));
	pthread_mutex_init(&filter->lock, NULL);
	filter->updates = os_task_queue_create();
	proc_handler_t *procs = obs_source_get_proc_handler(context);
	proc_handler_add(procs, "void aisp_wait_updates()", proc_wait_updates, filter);
	proc_handler_add(procs, "void aisp_get_stats(in ptr stats, out bool ok)", proc_get_stats, filter);
	proc_handler_add(procs, "void aisp_status(out string text)", proc_status, filter);
	filter_update(filter, settings);
	return filter;
}

static void filter_destroy(void *data)
{
	struct aisp_filter *filter = data;
	const struct aisp_core_api *core = aisp_core();
	os_task_queue_wait(filter->updates);
	os_task_queue_destroy(filter->updates);
	aisp_instance *instance = atomic_load(&filter->instance);
	aisp_stats last = {.struct_size = sizeof(aisp_stats)};
	if (instance && core)
		core->get_stats(instance, &last);
	aisp_remote_completed(filter->context, last.state);
	obs_enter_graphics(); /* the core frees its GPU objects */
	if (instance && core)
		core->destroy(instance);
	obs_leave_graphics();
	aisp_source_image_reset(&filter->source_image);
	aisp_source_image_reset(&filter->background_image);
	aisp_identity_sources_reset(&filter->identity_sources);
	pthread_mutex_destroy(&filter->lock);
	bfree(filter);
}

/* "Refresh status": shows the newest line. The view is rebuilt only on this click, never under the
 * user's hands while they edit other properties. */
static bool refresh_status(obs_properties_t *props, obs_property_t *button, void *data)
{
	(void)button;
	char text[768];
	copy_status(data, text, sizeof(text));
	obs_property_set_description(obs_properties_get(props, AISP_STATUS_KEY), text);
	return true;
}

static obs_properties_t *filter_properties(void *data)
{
	char text[768] = ""; /* no instance: the type's properties alone */
	if (data)
		copy_status(data, text, sizeof(text));
	return aisp_settings_properties(text, refresh_status, data);
}

/* Refreshes the status text about once a second from the core's statistics. */
static void filter_tick(void *data, float seconds)
{
	struct aisp_filter *filter = data;
	filter->since_status += seconds;
	if (filter->since_status < STATUS_INTERVAL_SECONDS)
		return;
	filter->since_status = 0;

	const struct aisp_core_api *core = aisp_core();
	if (pthread_mutex_trylock(&filter->lock) != 0)
		return;
	char *text = filter->status;
	size_t size = sizeof(filter->status);
	int n = 0;
	if (aisp_filter_hides(filter))
		n = snprintf(text, size, "%s | ", obs_module_text("Status.Hidden"));
	if (n < 0 || (size_t)n >= size)
		n = 0;
	if (filter->setup_error[0]) {
		snprintf(text + n, size - (size_t)n, "%s: %s", obs_module_text("Status.Error"), filter->setup_error);
	} else if (atomic_load(&filter->instance) && core) {
		aisp_stats stats = {.struct_size = sizeof(aisp_stats)};
		if (core->get_stats(atomic_load(&filter->instance), &stats) == AISP_OK)
			aisp_status_format(&stats, atomic_load(&filter->identities), text + n, size - (size_t)n);
		else
			aisp_core_last_error(text + n, size - (size_t)n);
	} else {
		snprintf(text + n, size - (size_t)n, "%s", obs_module_text("Status.Starting"));
	}
	pthread_mutex_unlock(&filter->lock);
}

bool aisp_filter_hides(struct aisp_filter *filter)
{
	return atomic_load(&filter->privacy_wanted) &&
	       (!aisp_core() || !atomic_load(&filter->instance) || atomic_load(&filter->faces_shown));
}

bool aisp_filter_process(struct aisp_filter *filter, const aisp_frame *frame)
{
	const struct aisp_core_api *core = aisp_core();
	aisp_instance *instance = atomic_load(&filter->instance);
	return core && instance && core->process_frame(instance, frame) == AISP_OK;
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
