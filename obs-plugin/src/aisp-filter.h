/* State of one "AISP Face" filter instance, shared by its source files. */
#pragma once

#include <obs-module.h>
#include <util/threading.h>
#include "aisp.h"

#define AISP_FILTER_ID "aisp_face_filter"
#define AISP_SETUP_ERROR_SIZE 512

struct aisp_filter {
	obs_source_t *context;

	/* Guards instance and setup_error. The graphics thread only ever try-locks it and passes the
	 * frame through when the UI thread holds it (while a new instance is created). */
	pthread_mutex_t lock;
	aisp_instance *instance;
	char setup_error[AISP_SETUP_ERROR_SIZE]; /* why there is no instance, "" otherwise */

	float since_status; /* seconds since the status text was refreshed */

	/* Synchronous (GPU) sources: render target, CPU readback and the processed texture. */
	gs_texrender_t *texrender;
	gs_stagesurf_t *stage;
	gs_texture_t *processed;
	uint8_t *pixels;
	uint32_t pixels_width, pixels_height;
};

extern struct obs_source_info aisp_filter_info;

/* Async sources (webcam, media): processes a CPU frame in place on its way to the screen. */
struct obs_source_frame *aisp_filter_video(void *data, struct obs_source_frame *frame);

/* Synchronous sources: renders the target, processes a readback, draws the result. */
void aisp_filter_render(void *data, gs_effect_t *effect);
void aisp_render_free(struct aisp_filter *filter);

/* Runs one frame through the core if an instance is available right now; never waits. */
bool aisp_filter_process(struct aisp_filter *filter, const aisp_frame *frame);
