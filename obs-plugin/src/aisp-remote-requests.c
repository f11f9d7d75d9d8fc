/* The vendor's requests, each a handler on obs-websocket's thread: none touches or waits on the
 * graphics thread. */
#include "aisp-remote-requests.h"
#include "aisp-remote-lookup.h"
#include "aisp-remote-reply.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <obs-module.h>
#include <util/threading.h>

#include "aisp-core.h"
#include "aisp-filter.h"
#include "aisp-settings.h"

static void list_filters(obs_data_t *request, obs_data_t *response, void *unused)
{
	(void)unused;
	struct aisp_filter_list list;
	aisp_remote_collect_filters(&list);
	obs_data_array_t *filters = obs_data_array_create();
	for (size_t i = 0; i < list.count; i++) {
		obs_source_t *filter = list.filters[i];
		aisp_stats stats;
		bool running = aisp_remote_filter_stats(filter, &stats);
		obs_data_t *settings = obs_source_get_settings(filter);
		obs_data_t *item = obs_data_create();
		obs_data_set_string(item, "source", aisp_remote_parent_name(filter));
		obs_data_set_string(item, "filter", obs_source_get_name(filter));
		obs_data_set_string(item, "engine", obs_data_get_string(settings, "engine"));
		obs_data_set_string(item, "state", aisp_remote_state_of(filter, &stats, running));
		obs_data_array_push_back(filters, item);
		obs_data_release(item);
		obs_data_release(settings);
	}
	aisp_remote_release_filters(&list);
	obs_data_set_array(response, "filters", filters);
	obs_data_array_release(filters);
	aisp_remote_answer_id(request, response);
}

static uint32_t write_status(void *instance, char *buffer, uint32_t capacity)
{
	return aisp_core()->status_json(instance, buffer, capacity);
}

/* The core's status JSON for the filter (aisp_status_json: the shape the CLI prints too), or the
 * zero status of a filter without an instance (or one destroyed meanwhile); NULL without a core. */
static char *core_status(aisp_instance *instance)
{
	if (!aisp_core())
		return NULL;
	char *json = aisp_core_text(write_status, instance, 4096);
	return json || !instance ? json : aisp_core_text(write_status, NULL, 4096);
}

static void get_status(obs_data_t *request, obs_data_t *response, void *unused)
{
	(void)unused;
	obs_source_t *filter = aisp_remote_find_filter(request, response);
	if (!filter)
		return;
	struct aisp_filter *f = obs_obj_get_data(filter);
	aisp_stats s;
	bool running = aisp_remote_filter_stats(filter, &s);
	char *json = core_status(f ? atomic_load(&f->instance) : NULL);
	obs_data_t *status = json ? obs_data_create_from_json(json) : NULL;
	if (!status)
		status = obs_data_create();
	bfree(json);
	/* What only the plugin knows: whether OBS disabled the filter, whether an instance runs, and its status line. */
	obs_data_set_string(status, "state", aisp_remote_state_of(filter, &s, running));
	obs_data_set_bool(status, "running", running);
	char line[768];
	pthread_mutex_lock(&f->lock);
	snprintf(line, sizeof(line), "%s", f->setup_error[0] ? f->setup_error : f->status);
	pthread_mutex_unlock(&f->lock);
	obs_data_set_string(status, "line", line);
	obs_data_set_obj(response, "status", status);
	obs_data_release(status);
	obs_source_release(filter);
	aisp_remote_answer_id(request, response);
}

static void get_settings(obs_data_t *request, obs_data_t *response, void *unused)
{
	(void)unused;
	obs_source_t *filter = aisp_remote_find_filter(request, response);
	if (!filter)
		return;
	obs_data_t *settings = obs_source_get_settings(filter);
	char *json = aisp_settings_to_json(settings, NULL);
	obs_data_t *effective = obs_data_create_from_json(json);
	obs_data_erase(effective, "analysis"); /* the plugin's, not a setting */
	obs_data_set_obj(response, "settings", effective);
	obs_data_release(effective);
	bfree(json);
	obs_data_release(settings);
	obs_source_release(filter);
	aisp_remote_answer_id(request, response);
}

/* Validates the change as the properties would (known keys, then the core's own checks) and
 * only then applies it; on any error nothing changes. */
static void set_settings(obs_data_t *request, obs_data_t *response, void *unused)
{
	(void)unused;
	obs_data_t *change = obs_data_get_obj(request, "settings");
	if (!change) {
		aisp_remote_fail(request, response, "INVALID_REQUEST", "'settings' (an object) is required", "the request carries no settings",
		     "send {\"settings\":{\"engine\":\"privacy\"}} with the filter's source and name");
		return;
	}
	obs_source_t *filter = aisp_remote_find_filter(request, response);
	const struct aisp_core_api *core = aisp_core();
	char message[768] = "";
	for (obs_data_item_t *item = filter ? obs_data_first(change) : NULL; item && !message[0]; obs_data_item_next(&item)) {
		if (!aisp_settings_known(obs_data_item_get_name(item)))
			snprintf(message, sizeof(message), "invalid settings: '%s' is not a setting of the AISP filter",
				 obs_data_item_get_name(item));
		if (message[0])
			obs_data_item_release(&item);
	}
	if (filter && !message[0] && !core)
		snprintf(message, sizeof(message), "%s", aisp_core_error());
	else if (filter && !message[0] && core->validate_settings(obs_data_get_json(change)) != AISP_OK)
		aisp_core_last_error(message, sizeof(message));
	if (filter && !message[0]) {
		/* A remote may name files only inside the folders the OBS user allows (AISP_REMOTE_READ). */
		obs_data_t *current = obs_source_get_settings(filter);
		if (core->check_remote_settings(obs_data_get_json(change), obs_data_get_json(current)) != AISP_OK)
			aisp_core_last_error(message, sizeof(message));
		obs_data_release(current);
	}
	if (filter && message[0]) {
		aisp_remote_fail(request, response, "INVALID_SETTINGS", message, "a key or value is not one the filter accepts; nothing was changed",
		     "GetSettings shows every key with its current value; README lists the ranges");
	} else if (filter) {
		obs_source_update(filter, change); /* the filter's worker applies it, off this thread */
		aisp_remote_answer_id(request, response);
	}
	obs_source_release(filter);
	obs_data_release(change);
}

struct suggestion {
	const char *instruction, *status_json;
};

static uint32_t write_suggestion(void *context, char *buffer, uint32_t capacity)
{
	const struct suggestion *ask = context;
	return aisp_core()->suggest(ask->instruction, ask->status_json, buffer, capacity);
}

/* The assistant, for remotes: {"instruction", "source", "filter", "apply"} -> {"strategy", "applied"}.
 * The core plans with rules from the filter's settings and numbers (no language model runs in OBS;
 * the AISP server can use one); with "apply" the strategy's settings go through SetSettings, so
 * they are validated the same way and nothing changes when they are refused. Runs on
 * obs-websocket's thread, never the graphics thread (the core samples CPU load for 100 ms). */
static void suggest(obs_data_t *request, obs_data_t *response, void *unused)
{
	(void)unused;
	const char *instruction = obs_data_get_string(request, "instruction");
	if (!*instruction) {
		aisp_remote_fail(request, response, "INVALID_REQUEST", "'instruction' is required", "the request says nothing to do",
		     "send {\"instruction\":\"blur everyone except me\"} with the filter's source and name");
		return;
	}
	obs_source_t *filter = aisp_remote_find_filter(request, response);
	if (!filter)
		return;
	const struct aisp_core_api *core = aisp_core();
	obs_data_t *settings = obs_source_get_settings(filter);
	char *current = aisp_settings_to_json(settings, NULL);
	obs_data_t *status = obs_data_create(), *effective = obs_data_create_from_json(current);
	obs_data_erase(effective, "analysis");
	obs_data_set_obj(status, "current", effective);
	aisp_stats s;
	if (aisp_remote_filter_stats(filter, &s)) {
		obs_data_set_double(status, "fps", s.fps);
		obs_data_set_double(status, "latency_p95_ms", s.stages[AISP_STAGE_TOTAL].p95_ms);
	}
	struct suggestion ask = {instruction, obs_data_get_json(status)};
	char *json = core ? aisp_core_text(write_suggestion, &ask, 16384) : NULL;
	if (!json) {
		char message[768];
		if (core)
			aisp_core_last_error(message, sizeof(message));
		else
			snprintf(message, sizeof(message), "%s", aisp_core_error());
		aisp_remote_fail(request, response, "ASSISTANT_ERROR", message, "the assistant could not make a strategy", "check the instruction; the OBS log has details");
	} else {
		obs_data_t *strategy = obs_data_create_from_json(json);
		obs_data_set_obj(response, "strategy", strategy);
		bool applied = false;
		obs_data_t *planned = obs_data_get_obj(strategy, "settings");
		obs_data_item_t *first = planned ? obs_data_first(planned) : NULL;
		bool changes = first != NULL; /* an instruction nobody understood changes nothing */
		obs_data_item_release(&first);
		obs_data_release(planned);
		if (changes && obs_data_get_bool(request, "apply")) {
			obs_data_t *change = obs_data_get_obj(strategy, "settings"), *set = obs_data_create();
			obs_data_apply(set, request);
			obs_data_set_obj(set, "settings", change);
			set_settings(set, response, NULL); /* answers the error itself when the change is refused */
			applied = !obs_data_has_user_value(response, "error");
			obs_data_release(set);
			obs_data_release(change);
		}
		obs_data_set_bool(response, "applied", applied);
		obs_data_release(strategy);
		aisp_remote_answer_id(request, response);
	}
	bfree(json);
	obs_data_release(effective);
	obs_data_release(status);
	bfree(current);
	obs_data_release(settings);
	obs_source_release(filter);
}

static void set_source_face(obs_data_t *request, obs_data_t *response, void *unused)
{
	(void)unused;
	const char *path = obs_data_get_string(request, "path");
	obs_source_t *filter = aisp_remote_find_filter(request, response);
	if (!filter)
		return;
	struct stat st;
	if (!*path || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		char message[768];
		snprintf(message, sizeof(message), "source face picture '%s' is not a readable file", path);
		aisp_remote_fail(request, response, "SOURCE_IMAGE", message, "the path is empty, missing, or not a regular file",
		     "send the full path of a picture on the machine OBS runs on");
	} else {
		obs_data_t *change = obs_data_create();
		obs_data_set_string(change, "source_image", path);
		obs_data_t *current = obs_source_get_settings(filter);
		const struct aisp_core_api *core = aisp_core();
		char message[768] = "";
		if (!core)
			snprintf(message, sizeof(message), "%s", aisp_core_error());
		else if (core->check_remote_settings(obs_data_get_json(change), obs_data_get_json(current)) != AISP_OK)
			aisp_core_last_error(message, sizeof(message));
		if (message[0]) {
			aisp_remote_fail(request, response, "PATH_NOT_ALLOWED", message, "remote requests may name files only inside the folders OBS's user allows",
			     "start OBS with AISP_REMOTE_READ=/folder/with/pictures, or choose the picture in the filter's properties");
		} else {
			obs_source_update(filter, change);
			aisp_remote_answer_id(request, response);
		}
		obs_data_release(current);
		obs_data_release(change);
	}
	obs_source_release(filter);
}

static void set_enabled(obs_data_t *request, obs_data_t *response, bool enabled)
{
	obs_source_t *filter = aisp_remote_find_filter(request, response);
	if (!filter)
		return;
	struct aisp_filter *f = obs_obj_get_data(filter);
	/* Privacy fails closed: a paused privacy filter stays enabled and the core covers the whole
	 * frame (state PAUSED); other engines pause by disabling the filter, as before. */
	bool cover = !enabled && f && atomic_load(&f->privacy_wanted);
	if (f)
		atomic_store(&f->remote_paused, cover);
	if (!cover)
		obs_source_set_enabled(filter, enabled);
	aisp_instance *instance = f ? atomic_load(&f->instance) : NULL;
	if (instance && aisp_core())
		aisp_core()->set_paused(instance, !enabled); /* the state now, not at the next look */
	blog(LOG_INFO, "[aisp] filter '%s' %s remotely%s", obs_source_get_name(filter), enabled ? "resumed" : "paused",
	     cover ? " (privacy: the whole frame stays covered)" : "");
	obs_source_release(filter);
	aisp_remote_answer_id(request, response);
}

static void pause_filter(obs_data_t *request, obs_data_t *response, void *unused)
{
	(void)unused;
	set_enabled(request, response, false);
}

static void resume_filter(obs_data_t *request, obs_data_t *response, void *unused)
{
	(void)unused;
	set_enabled(request, response, true);
}

const struct aisp_remote_request aisp_remote_requests[] = {
	{"ListFilters", list_filters}, {"GetStatus", get_status}, {"GetSettings", get_settings},   {"SetSettings", set_settings},
	{"SetSourceFace", set_source_face}, {"Pause", pause_filter}, {"Resume", resume_filter}, {"Suggest", suggest},
	{NULL, NULL},
};
