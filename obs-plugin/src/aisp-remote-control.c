/* The control thread: a few times a second, every filter's core looks at itself (state, alerts,
 * recovery) and its events go out. Never the graphics thread; requests stay on obs-websocket's. */
#include "aisp-remote.h"
#include "aisp-remote-lookup.h"

#include <errno.h>
#include <stdatomic.h>
#include <obs-module.h>
#include <util/threading.h>
#include <util/platform.h>

#include "aisp-core.h"
#include "aisp-filter.h"

#define POLL_MS 250
static pthread_t poller;
static os_event_t *stop_polling;
static bool polling;

static void poll_filters(void)
{
	const struct aisp_core_api *core = aisp_core();
	struct aisp_filter_list list;
	aisp_remote_collect_filters(&list);
	for (size_t i = 0; core && i < list.count; i++) {
		struct aisp_filter *f = obs_obj_get_data(list.filters[i]);
		aisp_instance *instance = f ? atomic_load(&f->instance) : NULL;
		if (!instance)
			continue;
		core->set_paused(instance, !obs_source_enabled(list.filters[i]) || atomic_load(&f->remote_paused));
		char json[4096];
		while (core->next_event(instance, json, sizeof(json)) > 0)
			aisp_remote_emit(list.filters[i], json);
	}
	aisp_remote_release_filters(&list); /* a filter removed meanwhile is destroyed here, on this thread */
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

void aisp_remote_control_start(void)
{
	if (os_event_init(&stop_polling, OS_EVENT_TYPE_MANUAL) == 0 && pthread_create(&poller, NULL, poll_thread, NULL) == 0)
		polling = true;
	else
		blog(LOG_WARNING, "[aisp] the control thread could not start: no states, alerts or events");
}
