/* video_render: the target is rendered into a texture and the core draws the filtered picture
 * from it (aisp_render: GPU draws, or for synchronous sources with the CPU compositor a read-back
 * painted in memory). When the core cannot draw, the texture is drawn as it is. */
#include "aisp-filter.h"

#include <graphics/vec4.h>

#include "aisp-core.h"

void aisp_render_free(struct aisp_filter *filter)
{
	gs_texrender_destroy(filter->texrender);
	filter->texrender = NULL;
}

static gs_texture_t *render_target(struct aisp_filter *filter, obs_source_t *target, uint32_t width, uint32_t height)
{
	if (!filter->texrender)
		filter->texrender = gs_texrender_create(GS_BGRA, GS_ZS_NONE);
	gs_texrender_reset(filter->texrender);
	if (!gs_texrender_begin(filter->texrender, width, height))
		return NULL;
	struct vec4 clear;
	vec4_zero(&clear);
	gs_clear(GS_CLEAR_COLOR, &clear, 0.0f, 0);
	gs_ortho(0.0f, (float)width, 0.0f, (float)height, -100.0f, 100.0f);
	gs_blend_state_push();
	gs_blend_function(GS_BLEND_ONE, GS_BLEND_ZERO);
	obs_source_video_render(target);
	gs_blend_state_pop();
	gs_texrender_end(filter->texrender);
	return gs_texrender_get_texture(filter->texrender);
}

static void draw_plain(gs_texture_t *texture, uint32_t width, uint32_t height)
{
	gs_effect_t *effect = obs_get_base_effect(OBS_EFFECT_DEFAULT);
	gs_effect_set_texture(gs_effect_get_param_by_name(effect, "image"), texture);
	while (gs_effect_loop(effect, "Draw"))
		gs_draw_sprite(texture, 0, width, height);
}

void aisp_filter_render(void *data, gs_effect_t *unused)
{
	(void)unused;
	struct aisp_filter *filter = data;
	obs_source_t *target = obs_filter_get_target(filter->context);
	obs_source_t *parent = obs_filter_get_parent(filter->context);
	uint32_t width = target ? obs_source_get_base_width(target) : 0;
	uint32_t height = target ? obs_source_get_base_height(target) : 0;
	const struct aisp_core_api *core = aisp_core();
	aisp_instance *instance = atomic_load(&filter->instance);
	gs_texture_t *texture = NULL;

	if (!core || !instance || !width || !height || !(texture = render_target(filter, target, width, height))) {
		obs_source_skip_video_filter(filter->context);
		return;
	}

	bool async = parent && (obs_source_get_output_flags(parent) & OBS_SOURCE_ASYNC) != 0;
	aisp_gpu_frame frame = {
		.struct_size = sizeof(aisp_gpu_frame),
		.flags = async ? AISP_RENDER_NONE : AISP_RENDER_ANALYSE,
		.texture = texture,
		.width = width,
		.height = height,
		.timestamp_ns = async ? filter->async_frame_ts : obs_get_video_frame_time(),
	};
	if (core->render(instance, &frame) != AISP_OK)
		draw_plain(texture, width, height); /* the reason is in the status text */
}
