/* A synchronous test source (as a game, window or browser capture is): it draws a BGRA picture
 * from a texture. Each harness registers a type with its own create, which makes the picture and
 * returns texture_source_new(...); the other callbacks are shared. */
#pragma once

#include <obs.h>
#include <util/bmem.h>

struct texture_source {
	gs_texture_t *texture;
	uint32_t width, height;
};

static inline void *texture_source_new(const uint8_t *bgra, uint32_t width, uint32_t height)
{
	struct texture_source *s = bzalloc(sizeof(*s));
	const uint8_t *planes[] = {bgra};
	s->width = width;
	s->height = height;
	obs_enter_graphics();
	s->texture = gs_texture_create(width, height, GS_BGRA, 1, planes, 0);
	obs_leave_graphics();
	return s;
}

static inline void texture_source_destroy(void *data)
{
	struct texture_source *s = data;
	obs_enter_graphics();
	gs_texture_destroy(s->texture);
	obs_leave_graphics();
	bfree(s);
}

static inline void texture_source_render(void *data, gs_effect_t *unused)
{
	(void)unused;
	struct texture_source *s = data;
	gs_effect_t *effect = obs_get_base_effect(OBS_EFFECT_DEFAULT);
	gs_effect_set_texture(gs_effect_get_param_by_name(effect, "image"), s->texture);
	while (gs_effect_loop(effect, "Draw"))
		gs_draw_sprite(s->texture, 0, s->width, s->height);
}

static inline uint32_t texture_source_width(void *data)
{
	return ((struct texture_source *)data)->width;
}

static inline uint32_t texture_source_height(void *data)
{
	return ((struct texture_source *)data)->height;
}

/* The shared part of a texture source type; set .id, .get_name and .create. */
#define TEXTURE_SOURCE_INFO                                                                         \
	.type = OBS_SOURCE_TYPE_INPUT, .output_flags = OBS_SOURCE_VIDEO | OBS_SOURCE_CUSTOM_DRAW,  \
	.destroy = texture_source_destroy, .video_render = texture_source_render,                   \
	.get_width = texture_source_width, .get_height = texture_source_height
