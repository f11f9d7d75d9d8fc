/* Synchronous sources (GPU-drawn): render the target into a texture, read it back, process it
 * on the CPU and draw the result. Async sources are handled in filter_video and skip this. */
#include "aisp-filter.h"

#include <string.h>
#include <util/bmem.h>

void aisp_render_free(struct aisp_filter *filter)
{
	gs_texrender_destroy(filter->texrender);
	gs_stagesurface_destroy(filter->stage);
	gs_texture_destroy(filter->processed);
	bfree(filter->pixels);
	filter->texrender = NULL;
	filter->stage = NULL;
	filter->processed = NULL;
	filter->pixels = NULL;
	filter->pixels_width = filter->pixels_height = 0;
}

static bool ensure_buffers(struct aisp_filter *filter, uint32_t width, uint32_t height)
{
	if (filter->pixels_width == width && filter->pixels_height == height && filter->stage)
		return true;
	aisp_render_free(filter);
	filter->texrender = gs_texrender_create(GS_BGRA, GS_ZS_NONE);
	filter->stage = gs_stagesurface_create(width, height, GS_BGRA);
	filter->processed = gs_texture_create(width, height, GS_BGRA, 1, NULL, GS_DYNAMIC);
	filter->pixels = bmalloc((size_t)width * height * 4);
	filter->pixels_width = width;
	filter->pixels_height = height;
	return filter->texrender && filter->stage && filter->processed;
}

static bool render_target(struct aisp_filter *filter, obs_source_t *target, uint32_t width, uint32_t height)
{
	gs_texrender_reset(filter->texrender);
	if (!gs_texrender_begin(filter->texrender, width, height))
		return false;
	struct vec4 clear;
	vec4_zero(&clear);
	gs_clear(GS_CLEAR_COLOR, &clear, 0.0f, 0);
	gs_ortho(0.0f, (float)width, 0.0f, (float)height, -100.0f, 100.0f);
	gs_blend_state_push();
	gs_blend_function(GS_BLEND_ONE, GS_BLEND_ZERO);
	obs_source_video_render(target);
	gs_blend_state_pop();
	gs_texrender_end(filter->texrender);
	return true;
}

static bool read_back(struct aisp_filter *filter, uint32_t width, uint32_t height)
{
	gs_stage_texture(filter->stage, gs_texrender_get_texture(filter->texrender));
	uint8_t *mapped;
	uint32_t linesize;
	if (!gs_stagesurface_map(filter->stage, &mapped, &linesize))
		return false;
	for (uint32_t y = 0; y < height; y++)
		memcpy(filter->pixels + (size_t)y * width * 4, mapped + (size_t)y * linesize, (size_t)width * 4);
	gs_stagesurface_unmap(filter->stage);
	return true;
}

static void draw_processed(struct aisp_filter *filter, uint32_t width, uint32_t height)
{
	gs_texture_set_image(filter->processed, filter->pixels, width * 4, false);
	gs_effect_t *effect = obs_get_base_effect(OBS_EFFECT_DEFAULT);
	gs_effect_set_texture(gs_effect_get_param_by_name(effect, "image"), filter->processed);
	while (gs_effect_loop(effect, "Draw"))
		gs_draw_sprite(filter->processed, 0, width, height);
}

void aisp_filter_render(void *data, gs_effect_t *unused)
{
	(void)unused;
	struct aisp_filter *filter = data;
	obs_source_t *target = obs_filter_get_target(filter->context);
	obs_source_t *parent = obs_filter_get_parent(filter->context);
	uint32_t width = target ? obs_source_get_base_width(target) : 0;
	uint32_t height = target ? obs_source_get_base_height(target) : 0;
	bool async = parent && (obs_source_get_output_flags(parent) & OBS_SOURCE_ASYNC) != 0;

	if (async || !width || !height || !ensure_buffers(filter, width, height) ||
	    !render_target(filter, target, width, height) || !read_back(filter, width, height)) {
		obs_source_skip_video_filter(filter->context);
		return;
	}

	aisp_frame desc = {
		.struct_size = sizeof(aisp_frame),
		.format = AISP_PIXEL_FORMAT_BGRA,
		.width = width,
		.height = height,
		.timestamp_ns = obs_get_video_frame_time(),
	};
	desc.planes[0] = filter->pixels;
	desc.strides[0] = width * 4;
	aisp_filter_process(filter, &desc); /* on failure the pixels are untouched: drawn as rendered */
	draw_processed(filter, width, height);
}
