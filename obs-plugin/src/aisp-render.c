/* video_render: the core draws the filtered picture, rendering the filter's target itself as
 * often and at whatever size it needs (aisp_render). When it cannot, the target is drawn as it is,
 * except with privacy chosen: then nothing is drawn (fail closed). */
#include "aisp-filter.h"

#include "aisp-core.h"

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
	uint32_t parent_flags = parent ? obs_source_get_output_flags(parent) : 0;
	bool async = (parent_flags & OBS_SOURCE_ASYNC) != 0;
	/* As obs_source_process_filter_begin does: a parent that draws with the current effect gets the default one. */
	bool default_effect = target && target == parent && !async && !(parent_flags & OBS_SOURCE_CUSTOM_DRAW);
	aisp_gpu_frame frame = {
		.struct_size = sizeof(aisp_gpu_frame),
		.flags = (async && !filter->async_format_unread ? AISP_RENDER_NONE : AISP_RENDER_ANALYSE) |
			 (default_effect ? AISP_RENDER_DEFAULT_EFFECT : AISP_RENDER_NONE),
		.source = target,
		.width = width,
		.height = height,
		.timestamp_ns = async ? filter->async_frame_ts : obs_get_video_frame_time(),
	};
	/* Fail-closed privacy: while nothing covers faces yet (no core instance, or a switch to privacy
	 * from an engine that shows faces still on its way), or the core cannot draw a synchronous
	 * source, nothing is drawn rather than the unmasked picture. (An asynchronous frame the core
	 * could not draw was painted in memory by filter_video.) */
	bool privacy = atomic_load(&filter->privacy_wanted);
	if (aisp_filter_hides(filter))
		return;
	/* Who draws an async frame and with which engine is decided when it enters (filter_video): a
	 * frame that entered under an engine showing faces stays hidden once privacy is wanted. */
	if (async && !filter->async_format_unread && privacy && filter->async_faces_shown)
		return;
	if (!core || !instance || !width || !height || core->render(instance, &frame) != AISP_OK) {
		if (privacy && (frame.flags & AISP_RENDER_ANALYSE))
			return;
		obs_source_skip_video_filter(filter->context); /* the reason is in the status text */
	}
}
