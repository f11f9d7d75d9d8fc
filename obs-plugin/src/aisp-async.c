/* Async sources (webcam, media): OBS hands CPU frames to filter_video. The core takes a copy for
 * analysis and, with the CPU compositor, paints the frame in place in its own format; with the GPU
 * compositor the result is drawn in video_render. Formats the core does not read (YUY2, UYVY,
 * P010, ...) are not handed over here: video_render takes their analysis copy from the rendered
 * picture instead. Failures pass through untouched. */
#include "aisp-filter.h"

#include <string.h>

static int32_t map_format(enum video_format format)
{
	switch (format) {
	case VIDEO_FORMAT_BGRA:
		return AISP_PIXEL_FORMAT_BGRA;
	case VIDEO_FORMAT_BGRX:
		return AISP_PIXEL_FORMAT_BGRX;
	case VIDEO_FORMAT_RGBA:
		return AISP_PIXEL_FORMAT_RGBA;
	case VIDEO_FORMAT_NV12:
		return AISP_PIXEL_FORMAT_NV12;
	case VIDEO_FORMAT_I420:
		return AISP_PIXEL_FORMAT_I420;
	default:
		return AISP_PIXEL_FORMAT_UNKNOWN; /* analysed from the rendered picture instead (aisp-render.c) */
	}
}

/* OBS gives the YUV->RGB matrix, not its name. The V->R coefficient over the Y scale is about
 * 1.37-1.40 for BT.601 and 1.54-1.57 for BT.709 in either range. */
static int32_t detect_matrix(const struct obs_source_frame *frame)
{
	if (frame->color_matrix[0] <= 0.0f)
		return AISP_COLOR_MATRIX_BT709;
	float v_to_r = frame->color_matrix[2] / frame->color_matrix[0];
	return v_to_r < 1.47f ? AISP_COLOR_MATRIX_BT601 : AISP_COLOR_MATRIX_BT709;
}

struct obs_source_frame *aisp_filter_video(void *data, struct obs_source_frame *frame)
{
	struct aisp_filter *filter = data;
	aisp_frame desc = {
		.struct_size = sizeof(aisp_frame),
		.format = map_format(frame->format),
		.width = frame->width,
		.height = frame->height,
		.timestamp_ns = frame->timestamp,
		.color_matrix = detect_matrix(frame),
		.color_range = frame->full_range ? AISP_COLOR_RANGE_FULL : AISP_COLOR_RANGE_PARTIAL,
	};
	for (int i = 0; i < AISP_MAX_PLANES; i++) {
		desc.planes[i] = frame->data[i];
		desc.strides[i] = frame->linesize[i];
	}
	filter->async_frame_ts = frame->timestamp; /* both run on the graphics thread */
	filter->async_format_unread = desc.format == AISP_PIXEL_FORMAT_UNKNOWN;
	filter->async_faces_shown = atomic_load(&filter->faces_shown);
	if (!filter->async_format_unread)
		aisp_filter_process(filter, &desc);
	return frame;
}
