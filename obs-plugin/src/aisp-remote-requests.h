/* The requests of the obs-websocket vendor "aisp": ListFilters, GetStatus, GetSettings,
 * SetSettings, SetSourceFace, Pause, Resume, Suggest. */
#pragma once

#include <obs.h>

/* obs-websocket's request callback signature. */
typedef void (*aisp_remote_request_fn)(obs_data_t *request, obs_data_t *response, void *priv);

struct aisp_remote_request {
	const char *type;
	aisp_remote_request_fn handle;
};

/* Every request, ended by {NULL, NULL}. */
extern const struct aisp_remote_request aisp_remote_requests[];
