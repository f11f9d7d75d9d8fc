/* Finding AISP filters: by the names a request gives, or all of them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <obs.h>

#include "aisp.h"

/* Every AISP filter, as strong references taken under the parents' filter locks and used after
 * them: the graphics thread takes those locks to render, so nothing slow happens while they are held. */
#define AISP_MAX_FILTERS 64
struct aisp_filter_list {
	obs_source_t *filters[AISP_MAX_FILTERS];
	size_t count;
};

void aisp_remote_collect_filters(struct aisp_filter_list *list);
void aisp_remote_release_filters(struct aisp_filter_list *list);

/* The filter named by the request's "source" and "filter" (a new reference), or NULL after
 * answering with the error. */
obs_source_t *aisp_remote_find_filter(obs_data_t *request, obs_data_t *response);

/* The name of the source the filter is on ("" when none). */
const char *aisp_remote_parent_name(obs_source_t *filter);

/* The filter's statistics from the core; false while it has no instance. */
bool aisp_remote_filter_stats(obs_source_t *filter, aisp_stats *stats);

/* The seed's state: the core's, or the plugin's own while there is no core instance (still being
 * created, or it could not be: no core, no models). */
const char *aisp_remote_state_of(obs_source_t *filter, const aisp_stats *stats, bool running);
