/* Answers of the vendor "aisp": the request's id echoed (or made up) and the seed's error format. */
#include "aisp-remote-reply.h"
#include "aisp-platform.h"

#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static atomic_ullong requests_without_id;

const char *aisp_remote_answer_id(obs_data_t *request, obs_data_t *response)
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

void aisp_remote_iso_now(char *out, size_t size)
{
	struct tm utc;
	aisp_utc_time(time(NULL), &utc);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &utc);
}

void aisp_remote_fail(obs_data_t *request, obs_data_t *response, const char *code, const char *message, const char *reason,
		      const char *suggestion)
{
	char timestamp[32];
	aisp_remote_iso_now(timestamp, sizeof(timestamp));

	obs_data_t *error = obs_data_create(), *details = obs_data_create();
	obs_data_set_string(details, "reason", reason);
	obs_data_set_string(details, "suggestion", suggestion);
	obs_data_set_string(error, "code", code);
	obs_data_set_string(error, "message", message);
	obs_data_set_obj(error, "details", details);
	obs_data_set_string(error, "timestamp", timestamp);
	obs_data_set_string(error, "request_id", aisp_remote_answer_id(request, response));
	obs_data_set_obj(response, "error", error);
	obs_data_release(details);
	obs_data_release(error);
	blog(LOG_WARNING, "[aisp] remote request failed: %s: %s", code, message);
}

