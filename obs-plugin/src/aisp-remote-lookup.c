/* Finding AISP filters for the vendor's requests and its control thread. */
#include "aisp-remote-lookup.h"
#include "aisp-remote-reply.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <obs-module.h>

#include "aisp-core.h"
#include "aisp-filter.h"

static bool is_aisp_filter(obs_source_t *filter)
{
	const char *id = filter ? obs_source_get_unversioned_id(filter) : NULL;
	return id && strcmp(id, AISP_FILTER_ID) == 0;
}

/* The filter named by the request's "source" and "filter" (a new reference), or NULL after
 * answering with the error. */
obs_source_t *aisp_remote_find_filter(obs_data_t *request, obs_data_t *response)
{
	const char *source_name = obs_data_get_string(request, "source");
	const char *filter_name = obs_data_get_string(request, "filter");
	if (!*source_name || !*filter_name) {
		aisp_remote_fail(request, response, "INVALID_REQUEST", "'source' and 'filter' are required",
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
		aisp_remote_fail(request, response, "FILTER_NOT_FOUND", message, "the source or its filter does not exist, or is not an AISP filter",
		     "call ListFilters for the filters there are");
		return NULL;
	}
	return filter;
}

/* The filter's statistics from the core; false while it has no instance. */
bool aisp_remote_filter_stats(obs_source_t *filter, aisp_stats *stats)
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
const char *aisp_remote_state_of(obs_source_t *filter, const aisp_stats *stats, bool running)
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

static void collect_filter(obs_source_t *parent, obs_source_t *filter, void *param)
{
	(void)parent;
	struct aisp_filter_list *list = param;
	if (list->count < AISP_MAX_FILTERS && is_aisp_filter(filter)) {
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

void aisp_remote_collect_filters(struct aisp_filter_list *list)
{
	list->count = 0;
	obs_enum_sources(collect_from, list);
	obs_enum_scenes(collect_from, list);
}

void aisp_remote_release_filters(struct aisp_filter_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		obs_source_release(list->filters[i]);
	list->count = 0;
}

const char *aisp_remote_parent_name(obs_source_t *filter)
{
	obs_source_t *parent = obs_filter_get_parent(filter);
	return parent ? obs_source_get_name(parent) : "";
}

