/* Answers of the vendor "aisp". Failures answer in the seed's error format:
 * {"error":{"code","message","details":{"reason","suggestion"},"timestamp","request_id"}}; every
 * answer carries the request's "request_id" (made up when the request has none). */
#pragma once

#include <stddef.h>
#include <obs.h>

/* Echoes the request's id into the response (or makes one up) and returns it. */
const char *aisp_remote_answer_id(obs_data_t *request, obs_data_t *response);

/* Answers with the error (and logs it). */
void aisp_remote_fail(obs_data_t *request, obs_data_t *response, const char *code, const char *message, const char *reason,
		      const char *suggestion);

/* Now, UTC, as ISO 8601 ("2026-12-08T02:40:00Z"). */
void aisp_remote_iso_now(char *out, size_t size);
