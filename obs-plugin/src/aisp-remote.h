/* Remote control through OBS's own protocol: the obs-websocket vendor "aisp" and its requests
 * (ListFilters, GetStatus, GetSettings, SetSettings, SetSourceFace, Pause, Resume, Suggest). Requests run
 * on obs-websocket's thread; none touches or waits on the graphics thread. */
#pragma once

#include <obs.h>

/* Starts the control thread (states, alerts, events: to the log, and as vendor events) and
 * registers the vendor when obs-websocket is loaded (call from obs_module_post_load). */
void aisp_remote_register(void);

/* Stops the control thread (obs_module_unload). */
void aisp_remote_stop(void);

/* The last event of a filter being destroyed: STATE_CHANGED to COMPLETED. */
void aisp_remote_completed(obs_source_t *filter, const char *last_state);

/* Inside the remote control: sends one core event (JSON) as a vendor event, when obs-websocket is
 * there, and writes it to the log. */
void aisp_remote_emit(obs_source_t *filter, const char *json);

/* Inside the remote control: starts the control thread. */
void aisp_remote_control_start(void);
