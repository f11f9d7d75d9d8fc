/* The obs-websocket vendor "aisp": every AISP filter remotely listed, observed and controlled
 * through OBS's own protocol (CallVendorRequest), with no protocol of our own. This file registers
 * the vendor and its requests (aisp-remote-requests.c) and sends the core's events as vendor
 * events (from the control thread, aisp-remote-control.c); the handful of proc calls
 * obs-websocket's vendor API consists of are made here directly. */
#include "aisp-remote.h"
#include "aisp-remote-lookup.h"
#include "aisp-remote-reply.h"
#include "aisp-remote-requests.h"

#include <stdio.h>
#include <string.h>
#include <obs-module.h>
#include <callback/calldata.h>
#include <callback/proc.h>

#define VENDOR_NAME "aisp"

/* obs-websocket's struct obs_websocket_request_callback, which it copies on registration. */
struct request_callback {
	aisp_remote_request_fn callback;
	void *priv_data;
};

static proc_handler_t *websocket;
static void *vendor;

/* Sends one core event as a vendor event (when obs-websocket is there) and writes it to the log:
 * {"source","filter","time","payload"} under the event's type. */
void aisp_remote_emit(obs_source_t *filter, const char *json)
{
	obs_data_t *event = obs_data_create_from_json(json);
	if (!event)
		return;
	const char *type = obs_data_get_string(event, "type");
	obs_data_t *payload = obs_data_get_obj(event, "payload");
	obs_data_t *out = obs_data_create();
	obs_data_set_string(out, "source", aisp_remote_parent_name(filter));
	obs_data_set_string(out, "filter", obs_source_get_name(filter));
	obs_data_set_string(out, "time", obs_data_get_string(event, "time"));
	obs_data_set_obj(out, "payload", payload);
	blog(strcmp(type, "SYSTEM_ERROR") == 0 ? LOG_WARNING : LOG_INFO, "[aisp] %s on '%s' (%s): %s", type,
	     obs_source_get_name(filter), aisp_remote_parent_name(filter), payload ? obs_data_get_json(payload) : "{}");
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

void aisp_remote_completed(obs_source_t *filter, const char *last_state)
{
	char json[256], now[32];
	aisp_remote_iso_now(now, sizeof(now));
	snprintf(json, sizeof(json),
		 "{\"type\":\"STATE_CHANGED\",\"time\":\"%s\",\"payload\":{\"from\":\"%s\",\"to\":\"COMPLETED\",\"reason\":\"filter removed\"}}",
		 now, last_state && *last_state ? last_state : "INIT");
	aisp_remote_emit(filter, json);
}

static bool register_request(const char *type, aisp_remote_request_fn fn)
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

void aisp_remote_register(void)
{
	aisp_remote_control_start();
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
	bool ok = true;
	for (const struct aisp_remote_request *r = aisp_remote_requests; r->type; r++)
		ok = register_request(r->type, r->handle) && ok;
	blog(ok ? LOG_INFO : LOG_WARNING, "[aisp] obs-websocket vendor '%s' %s", VENDOR_NAME,
	     ok ? "registered: remote control is on" : "registered with missing requests");
}
