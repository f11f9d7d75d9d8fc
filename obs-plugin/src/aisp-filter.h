/* State of one "AISP Face" filter instance, shared by its source files. */
#pragma once

#include <obs-module.h>
#include <stdatomic.h>
#include <util/task.h>
#include <util/threading.h>
#include "aisp.h"
#include "aisp-source-image.h"

#define AISP_FILTER_ID "aisp_face_filter"
#define AISP_SETUP_ERROR_SIZE 512

struct aisp_filter {
	obs_source_t *context;

	/* Set once by the worker when the core instance exists, read by the graphics thread without
	 * any lock; the instance lives until destroy. */
	_Atomic(aisp_instance *) instance;

	/* Guards setup_error; the graphics thread never takes it (video_tick only try-locks). */
	pthread_mutex_t lock;
	char setup_error[AISP_SETUP_ERROR_SIZE]; /* why the last settings could not be applied, "" if they were */

	float since_status; /* seconds since the status text was refreshed */
	/* The live status line (guarded by lock, written by video_tick's try-lock): shown in the
	 * properties, never stored in the settings, so it is not saved into scene collections. */
	char status[768];

	/* Fail-closed privacy: privacy_wanted is set by update (UI thread) the moment the user picks
	 * privacy; faces_shown by the worker from the engine the core actually runs (true for none and
	 * the landmarks overlay, which show faces as they are; false for privacy and the swaps). While
	 * privacy is wanted and the core runs nothing, or an engine that shows faces (a switch to
	 * privacy still on its way), the filter draws nothing rather than the unmasked source. */
	atomic_bool privacy_wanted;
	atomic_bool faces_shown;
	atomic_bool identities; /* a face library is set: the status counts known and unknown faces */
	/* Paused from a remote control (obs-websocket's Pause) while privacy was chosen: the filter stays
	 * enabled and the core covers the whole frame (privacy never pauses to the raw picture); only
	 * turning the filter off by hand in OBS shows it. Other engines pause by disabling the filter. */
	atomic_bool remote_paused;

	/* Settings are applied on this filter's own worker: model loads and source pictures never
	 * block the UI thread, and never the graphics thread (frames keep the old engine meanwhile).
	 * Only the worker touches source_image. */
	os_task_queue_t *updates;
	struct aisp_source_image source_image;
	struct aisp_source_image background_image; /* the picture of background "replace"; worker only */
	struct aisp_identity_sources identity_sources;

	/* Graphics thread only: the timestamp of the newest async frame (what the drawn picture shows),
	 * and whether that frame's format is one the core does not read (YUY2, UYVY, P010...): then
	 * the core takes its analysis copy from the rendered picture, as for a synchronous source. */
	uint64_t async_frame_ts;
	bool async_format_unread;
	/* The newest async frame entered the core under an engine that shows faces (none, landmarks):
	 * with privacy wanted by now it is hidden, whatever the core switched to since. */
	bool async_faces_shown;
};

extern struct obs_source_info aisp_filter_info;

/* Async sources (webcam, media): hands the CPU frame to the core (which paints it in place only
 * with the CPU compositor). */
struct obs_source_frame *aisp_filter_video(void *data, struct obs_source_frame *frame);

/* Every source: the core draws the filtered picture (GPU work, or a CPU round trip). */
void aisp_filter_render(void *data, gs_effect_t *effect);

/* Whether privacy is chosen but nothing covers faces yet: then the filter draws nothing. */
bool aisp_filter_hides(struct aisp_filter *filter);

/* Runs one frame through the core if an instance is available right now; never waits. */
bool aisp_filter_process(struct aisp_filter *filter, const aisp_frame *frame);
