/* The obs-websocket vendor "aisp": every AISP filter remotely listed, observed and controlled
 * through OBS's own protocol (CallVendorRequest), with no protocol of our own. The handful of
 * proc calls obs-websocket's vendor API consists of are made here directly. Failures answer in
 * the seed's error format: {"error":{"code","message","details":{"reason","suggestion"},
 * "timestamp","request_id"}}; every answer carries the request's "request_id" (made up when the
 * request has none). */
#include "aisp-remote.h"
#include "aisp-platform.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <errno.h>
#include <obs-module.h>
#include <util/threading.h>
#include <util/platform.h>
#include <callback/calldata.h>
#include <callback/proc.h>

#include "aisp-core.h"
#include "aisp-filter.h"
#include "aisp-settings.h"
#include "aisp-status.h"

#define VENDOR_NAME "aisp"

/* obs-websocket's struct obs_websocket_request_callback, which it copies on registration. */
typedef void (*request_fn)(obs_data_t *request, obs_data_t *response, void *priv);
struct request_callback {
	request_fn callback;
	void *priv_data;
};

static proc_handler_t *websocket;
static void *vendor;
static atomic_ullong requests_without_id;

/* Echoes the request's id into the response (or makes one up) and returns it. */
static const char *answer_id(obs_data_t *request, obs_data_t *response)
{
	const char *id = obs_data_get_string(request, "request_id");
	if (*id) {
		obs_data_set_string(response, "request_id", id);
	} else {
		char made[32];
		snprintf(made, sizeof(made), "aisp-%llu", (unsigned long long)atomic_fetch_add(&requests_without_id, 1) + 1);
		obs_data_set_string(response, "request_id", made);
	}
	return obs_data_get_string(response, "request_id");
}

static void iso_now(char *out, size_t size)
{
	struct tm utc;
	aisp_utc_time(time(NULL), &utc);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &utc);
}

static void fail(obs_data_t *request, obs_data_t *response, const char *code, const char *message, const char *reason,
		 const char *suggestion)
{
	char timestamp[32];
	iso_now(timestamp, sizeof(timestamp));

	obs_data_t *error = obs_data_create(), *details = obs_data_create();
	obs_data_set_string(details, "reason", reason);
	obs_data_set_string(details, "suggestion", suggestion);
	obs_data_set_string(error, "code", code);
	obs_data_set_string(error, "message", message);
	obs_data_set_obj(error, "details", details);
	obs_data_set_string(error, "timestamp", timestamp);
	obs_data_set_string(error, "request_id", answer_id(request, response));
	obs_data_set_obj(response, "error", error);
	obs_data_release(details);
	obs_data_release(error);
	blog(LOG_WARNING, "[aisp] remote request failed: %s: %s", code, message);
}

static bool is_aisp_filter(obs_source_t *filter)
{
	const char *id = filter ? obs_source_get_unversioned_id(filter) : NULL;
	return id && strcmp(id, AISP_FILTER_ID) == 0;
}

/* The filter named by the request's "source" and "filter" (a new reference), or NULL after
 * answering with the error. */
static obs_source_t *find_filter(obs_data_t *request, obs_data_t *response)
{
	const char *source_name = obs_data_get_string(request, "source");
	const char *filter_name = obs_data_get_string(request, "filter");
	if (!*source_name || !*filter_name) {
		fail(request, response, "INVALID_REQUEST", "'source' and 'filter' are required",
		     "the request does not name a filter", "send the source and filter names ListFilters returns");
		return NULL;
	}
	obs_source_t *parent = obs_get_source_by_name(source_name);
	obs_source_t *filter = parent ? obs_source_get_filter_by_name(parent, filter_name) : NULL;
	obs_source_release(parent);
	if (!is_aisp_filter(filter)) {
		obs_source_release(filter);
		char message[512];
		snprintf(message, sizeof(message), "no AISP filter '%s' on source '%s'", filter_name, source_name);
		fail(request, response, "FILTER_NOT_FOUND", message, "the source or its filter does not exist, or is not an AISP filter",
		     "call ListFilters for the filters there are");
		return NULL;
	}
	return filter;
}

/* The filter's statistics from the core; false while it has no instance. */
static bool filter_stats(obs_source_t *filter, aisp_stats *stats)
{
	struct aisp_filter *f = obs_obj_get_data(filter);
	const struct aisp_core_api *core = aisp_core();
	aisp_instance *instance = f ? atomic_load(&f->instance) : NULL;
	memset(stats, 0, sizeof(*stats));
	stats->struct_size = sizeof(*stats);
	return core && instance && core->get_stats(instance, stats) == AISP_OK;
}

/* The seed's state: the core's, or the plugin's own while there is no core instance (still being
 * created, or it could not be: no core, no models). */
static const char *state_of(obs_source_t *filter, const aisp_stats *stats, bool running)
{
	struct aisp_filter *f = obs_obj_get_data(filter);
	if (!obs_source_enabled(filter))
		return "PAUSED";
	if (running && stats->state[0])
		return stats->state;
	pthread_mutex_lock(&f->lock);
	bool failed = f->setup_error[0] != '\0';
	pthread_mutex_unlock(&f->lock);
	return failed ? "WAITING" : "INIT";
}

/* Every AISP filter, as strong references taken under the parents' filter locks and used after
 * them: the graphics thread takes those locks to render, so nothing slow happens while they are held. */
#define MAX_FILTERS 64
struct filter_list {
	obs_source_t *filters[MAX_FILTERS];
	size_t count;
};

static void collect_filter(obs_source_t *parent, obs_source_t *filter, void *param)
{
	(void)parent;
	struct filter_list *list = param;
	if (list->count < MAX_FILTERS && is_aisp_filter(filter)) {
		obs_source_t *ref = obs_source_get_ref(filter);
		if (ref)
			list->filters[list->count++] = ref;
	}
}

static bool collect_from(void *param, obs_source_t *parent)
{
	obs_source_enum_filters(parent, collect_filter, param);
	return true;
}

static void collect_filters(struct filter_list *list)
{
	list->count = 0;
	obs_enum_sources(collect_from, list);
	obs_enum_scenes(collect_from, list);
}

static void release_filters(struct filter_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		obs_source_release(list->filters[i]);
	list->count = 0;
}

static const char *parent_name(obs_source_t *filter)
{
	obs_source_t *parent = obs_filter_get_parent(filter);
	return parent ? obs_source_get_name(parent) : "";
}

static void list_filters(obs_data_t *request, obs_data_t *response, void *unused)
{
	(void)unused;
	struct filter_list list;
	collect_filters(&list);
	obs_data_array_t *filters = obs_data_array_create();
	for (size_t i = 0; i < list.count; i++) {
		obs_source_t *filter = list.filters[i];
		aisp_stats stats;
		bool running = filter_stats(filter, &stats);
		obs_data_t *settings = obs_source_get_settings(filter);
		obs_data_t *item = obs_data_create();
		obs_data_set_string(item, "source", parent_name(filter));
		obs_data_set_string(item, "filter", obs_source_get_name(filter));
		obs_data_set_string(item, "engine", obs_data_get_string(settings, "engine"));
		obs_data_set_string(item, "state", state_of(filter, &stats, running));
		obs_data_array_push_back(filters, item);
		obs_data_release(item);
		obs_data_release(settings);
	}
	release_filters(&list);
	obs_data_set_array(response, "filters", filters);
	obs_data_array_release(filters);
	answer_id(request, response);
}

static void set_stage(obs_data_t *stages, const char *name, const aisp_stage_stats *s)
{
	obs_data_t *stage = obs_data_create();
	obs_data_set_double(stage, "last_ms", s->last_ms);
	obs_data_set_double(stage, "p50_ms", s->p50_ms);
	obs_data_set_double(stage, "p95_ms", s->p95_ms);
	obs_data_set_double(stage, "p99_ms", s->p99_ms);
	obs_data_set_obj(stages, name, stage);
	obs_data_release(stage);
}

static void get_status(obs_data_t *request, obs_data_t *response, void *unused)
{
	(void)unused;
	obs_source_t *filter = find_filter(request, response);
	if (!filter)
		return;
	aisp_stats s;
	bool running = filter_stats(filter, &s);
	struct aisp_filter *f = obs_obj_get_data(filter);
	obs_data_t *status = obs_data_create(), *stages = obs_data_create();
	obs_data_set_string(status, "state", state_of(filter, &s, running));
	obs_data_set_bool(status, "running", running);
	obs_data_set_string(status, "engine", s.engine);
	obs_data_set_string(status, "detector", s.detector);
	obs_data_set_string(status, "execution_provider", s.execution_provider);
	obs_data_set_string(status, "compositor", s.compositor);
	obs_data_set_double(status, "fps", s.fps);
	obs_data_set_int(status, "faces", s.faces_last_frame);
	obs_data_set_int(status, "faces_known", s.faces_known);
	obs_data_set_int(status, "faces_covered", s.faces_covered);
	obs_data_set_int(status, "faces_over_budget", s.faces_over_budget);
	obs_data_set_int(status, "frames_processed", (long long)s.frames_processed);
	obs_data_set_int(status, "frames_analysed", (long long)s.frames_analysed);
	obs_data_set_int(status, "frames_dropped", (long long)s.frames_dropped);
	obs_data_set_int(status, "frames_failed", (long long)s.frames_failed);
	obs_data_set_int(status, "errors", (long long)s.errors);
	obs_data_set_double(status, "result_age_ms", s.result_age_ms);
	obs_data_set_double(status, "budget_share", s.budget_share);
	obs_data_set_string(status, "notice", s.notice);
	obs_data_set_string(status, "last_error", s.last_error);
	obs_data_set_string(status, "alerts", s.alerts);
	static const char *names[AISP_STAGE_COUNT] = {"handoff", "detect", "landmarks", "engine", "composite", "total"};
	for (int i = 0; i < AISP_STAGE_COUNT; i++)
		set_stage(stages, names[i], &s.stages[i]);
	obs_data_set_obj(status, "stages", stages);
	char line[768];
	pthread_mutex_lock(&f->lock);
	snprintf(line, sizeof(line), "%s", f->setup_error[0] ? f->setup_error : f->status);
	pthread_mutex_unlock(&f->lock);
	obs_data_set_string(status, "line", line);
	obs_data_set_obj(response, "status", status);
	obs_data_release(stages);
	obs_data_release(status);
	obs_source_release(filter);
	answer_id(request, response);
}

static void get_settings(obs_data_t *request, obs_data_t *response, void *unused)
{
	(void)unused;
	obs_source_t *filter = find_filter(request, response);
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
	answer_id(request, response);
}

/* Validates the change as the properties would (known keys, then the core's own checks) and
 * only then applies it; on any error nothing changes. */
static void set_settings(obs_data_t *request, obs_data_t *response, void *unused)
{
	(void)unused;
	obs_data_t *change = obs_data_get_obj(request, "settings");
	if (!change) {
		fail(request, response, "INVALID_REQUEST", "'settings' (an object) is required", "the request carries no settings",
		     "send {\"settings\":{\"engine\":\"privacy\"}} with the filter's source and name");
		return;
	}
	obs_source_t *filter = find_filter(request, response);
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
		fail(request, response, "INVALID_SETTINGS", message, "a key or value is not one the filter accepts; nothing was changed",
		     "GetSettings shows every key with its current value; README lists the ranges");
	} else if (filter) {
		obs_source_update(filter, change); /* the filter's worker applies it, off this thread */
		answer_id(request, response);
	}
	obs_source_release(filter);
	obs_data_release(change);
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
		fail(request, response, "INVALID_REQUEST", "'instruction' is required", "the request says nothing to do",
		     "send {\"instruction\":\"blur everyone except me\"} with the filter's source and name");
		return;
	}
	obs_source_t *filter = find_filter(request, response);
	if (!filter)
		return;
	const struct aisp_core_api *core = aisp_core();
	obs_data_t *settings = obs_source_get_settings(filter);
	char *current = aisp_settings_to_json(settings, NULL);
	obs_data_t *status = obs_data_create(), *effective = obs_data_create_from_json(current);
	obs_data_erase(effective, "analysis");
	obs_data_set_obj(status, "current", effective);
	aisp_stats s;
	if (filter_stats(filter, &s)) {
		obs_data_set_double(status, "fps", s.fps);
		obs_data_set_double(status, "latency_p95_ms", s.stages[AISP_STAGE_TOTAL].p95_ms);
	}
	uint32_t capacity = 16384, length = 0;
	char *json = bmalloc(capacity);
	if (core && (length = core->suggest(instruction, obs_data_get_json(status), json, capacity)) >= capacity) {
		capacity = length + 1;
		json = brealloc(json, capacity);
		length = core->suggest(instruction, obs_data_get_json(status), json, capacity);
	}
	if (!core || length == 0 || length >= capacity) {
		char message[768];
		if (core)
			aisp_core_last_error(message, sizeof(message));
		else
			snprintf(message, sizeof(message), "%s", aisp_core_error());
		fail(request, response, "ASSISTANT_ERROR", message, "the assistant could not make a strategy", "check the instruction; the OBS log has details");
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
		answer_id(request, response);
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
	obs_source_t *filter = find_filter(request, response);
	if (!filter)
		return;
	struct stat st;
	if (!*path || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		char message[768];
		snprintf(message, sizeof(message), "source face picture '%s' is not a readable file", path);
		fail(request, response, "SOURCE_IMAGE", message, "the path is empty, missing, or not a regular file",
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
			fail(request, response, "PATH_NOT_ALLOWED", message, "remote requests may name files only inside the folders OBS's user allows",
			     "start OBS with AISP_REMOTE_READ=/folder/with/pictures, or choose the picture in the filter's properties");
		} else {
			obs_source_update(filter, change);
			answer_id(request, response);
		}
		obs_data_release(current);
		obs_data_release(change);
	}
	obs_source_release(filter);
}

static void set_enabled(obs_data_t *request, obs_data_t *response, bool enabled)
{
	obs_source_t *filter = find_filter(request, response);
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
	answer_id(request, response);
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

/* Sends one core event as a vendor event (when obs-websocket is there) and writes it to the log:
 * {"source","filter","time","payload"} under the event's type. */
static void emit_event(obs_source_t *filter, const char *json)
{
	obs_data_t *event = obs_data_create_from_json(json);
	if (!event)
		return;
	const char *type = obs_data_get_string(event, "type");
	obs_data_t *payload = obs_data_get_obj(event, "payload");
	obs_data_t *out = obs_data_create();
	obs_data_set_string(out, "source", parent_name(filter));
	obs_data_set_string(out, "filter", obs_source_get_name(filter));
	obs_data_set_string(out, "time", obs_data_get_string(event, "time"));
	obs_data_set_obj(out, "payload", payload);
	blog(strcmp(type, "SYSTEM_ERROR") == 0 ? LOG_WARNING : LOG_INFO, "[aisp] %s on '%s' (%s): %s", type,
	     obs_source_get_name(filter), parent_name(filter), payload ? obs_data_get_json(payload) : "{}");
	if (vendor) {
		calldata_t cd = {0};
		calldata_set_ptr(&cd, "vendor", vendor);
		calldata_set_string(&cd, "type", type);
		calldata_set_ptr(&cd, "data", out);
		proc_handler_call(websocket, "vendor_event_emit", &cd);
		calldata_free(&cd);
	}
	obs_data_release(out);
	obs_data_release(payload);
	obs_data_release(event);
}

/* The control thread: a few times a second, every filter's core looks at itself (state, alerts,
 * recovery) and its events go out. Never the graphics thread; requests stay on obs-websocket's. */
#define POLL_MS 250
static pthread_t poller;
static os_event_t *stop_polling;
static bool polling;

static void poll_filters(void)
{
	const struct aisp_core_api *core = aisp_core();
	struct filter_list list;
	collect_filters(&list);
	for (size_t i = 0; core && i < list.count; i++) {
		struct aisp_filter *f = obs_obj_get_data(list.filters[i]);
		aisp_instance *instance = f ? atomic_load(&f->instance) : NULL;
		if (!instance)
			continue;
		core->set_paused(instance, !obs_source_enabled(list.filters[i]) || atomic_load(&f->remote_paused));
		char json[4096];
		while (core->next_event(instance, json, sizeof(json)) > 0)
			emit_event(list.filters[i], json);
	}
	release_filters(&list); /* a filter removed meanwhile is destroyed here, on this thread */
}

static void *poll_thread(void *unused)
{
	(void)unused;
	os_set_thread_name("aisp-control");
	while (os_event_timedwait(stop_polling, POLL_MS) == ETIMEDOUT)
		poll_filters();
	return NULL;
}

void aisp_remote_stop(void)
{
	if (!polling)
		return;
	os_event_signal(stop_polling);
	pthread_join(poller, NULL);
	os_event_destroy(stop_polling);
	polling = false;
}

void aisp_remote_completed(obs_source_t *filter, const char *last_state)
{
	char json[256], now[32];
	iso_now(now, sizeof(now));
	snprintf(json, sizeof(json),
		 "{\"type\":\"STATE_CHANGED\",\"time\":\"%s\",\"payload\":{\"from\":\"%s\",\"to\":\"COMPLETED\",\"reason\":\"filter removed\"}}",
		 now, last_state && *last_state ? last_state : "INIT");
	emit_event(filter, json);
}

static bool register_request(const char *type, request_fn fn)
{
	struct request_callback cb = {fn, NULL};
	calldata_t cd = {0};
	calldata_set_ptr(&cd, "vendor", vendor);
	calldata_set_string(&cd, "type", type);
	calldata_set_ptr(&cd, "callback", &cb);
	proc_handler_call(websocket, "vendor_request_register", &cd);
	bool ok = calldata_bool(&cd, "success");
	calldata_free(&cd);
	if (!ok)
		blog(LOG_WARNING, "[aisp] obs-websocket refused the request type %s", type);
	return ok;
}

static void start_polling(void)
{
	if (os_event_init(&stop_polling, OS_EVENT_TYPE_MANUAL) == 0 && pthread_create(&poller, NULL, poll_thread, NULL) == 0)
		polling = true;
	else
		blog(LOG_WARNING, "[aisp] the control thread could not start: no states, alerts or events");
}

void aisp_remote_register(void)
{
	start_polling();
	calldata_t api = {0}; /* one calldata per call: calldata_free does not reset it for reuse */
	if (proc_handler_call(obs_get_proc_handler(), "obs_websocket_api_get_ph", &api))
		websocket = calldata_ptr(&api, "ph");
	calldata_free(&api);
	if (!websocket) {
		blog(LOG_INFO, "[aisp] obs-websocket is not loaded: remote control is off");
		return;
	}
	calldata_t cd = {0};
	calldata_set_string(&cd, "name", VENDOR_NAME);
	proc_handler_call(websocket, "vendor_register", &cd);
	vendor = calldata_ptr(&cd, "vendor");
	calldata_free(&cd);
	if (!vendor) {
		blog(LOG_WARNING, "[aisp] obs-websocket refused the vendor '%s': remote control is off", VENDOR_NAME);
		return;
	}
	bool ok = register_request("ListFilters", list_filters) && register_request("GetStatus", get_status) &&
		  register_request("GetSettings", get_settings) && register_request("SetSettings", set_settings) &&
		  register_request("SetSourceFace", set_source_face) && register_request("Pause", pause_filter) &&
		  register_request("Resume", resume_filter) && register_request("Suggest", suggest);
	blog(ok ? LOG_INFO : LOG_WARNING, "[aisp] obs-websocket vendor '%s' %s", VENDOR_NAME,
	     ok ? "registered: remote control is on" : "registered with missing requests");
}
