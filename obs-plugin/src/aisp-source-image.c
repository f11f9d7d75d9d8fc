#include "aisp-source-image.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <obs-module.h>
#include <graphics/image-file.h>
#include <util/bmem.h>

/* Larger files are refused before decoding: a 64 MiB picture is far beyond any face photo. */
#define MAX_FILE_BYTES (64ll * 1024 * 1024)

static int32_t map_format(enum gs_color_format format)
{
	switch (format) {
	case GS_BGRA:
		return AISP_PIXEL_FORMAT_BGRA;
	case GS_BGRX:
		return AISP_PIXEL_FORMAT_BGRX;
	case GS_RGBA:
		return AISP_PIXEL_FORMAT_RGBA;
	default:
		return AISP_PIXEL_FORMAT_UNKNOWN;
	}
}

/* What a picture is for: the default source face, an identity's source face, or the background. */
enum picture_role { ROLE_SOURCE, ROLE_IDENTITY, ROLE_BACKGROUND };

static bool apply_picture(struct aisp_source_image *cache, const struct aisp_core_api *core, aisp_instance *instance,
			  enum picture_role role, const char *identity, const char *path, char *error,
			  size_t error_size)
{
	const char *what = role == ROLE_BACKGROUND ? "background picture" : "source face image";
	if (!path || !*path)
		return true;

	struct stat st;
	if (stat(path, &st) != 0) {
		snprintf(error, error_size, "%s %s cannot be read", what, path);
		return false;
	}
	if (cache->path && strcmp(cache->path, path) == 0 && cache->mtime == (int64_t)st.st_mtime)
		return true;
	if (!S_ISREG(st.st_mode)) {
		/* A FIFO would block the decoder (and this filter's worker) for ever, a device never end. */
		snprintf(error, error_size, "%s %s is %s, not a regular file", what, path,
			 S_ISDIR(st.st_mode) ? "a directory" : "a FIFO, device or socket");
		return false;
	}
	if ((long long)st.st_size > MAX_FILE_BYTES) {
		snprintf(error, error_size, "%s %s is %lld bytes; the largest accepted is %lld", what, path,
			 (long long)st.st_size, MAX_FILE_BYTES);
		return false;
	}

	gs_image_file_t image;
	gs_image_file_init(&image, path);
	bool ok = false;
	if (!image.loaded || !image.texture_data) {
		snprintf(error, error_size, "%s %s is not a picture libobs can decode", what, path);
	} else if (map_format(image.format) == AISP_PIXEL_FORMAT_UNKNOWN) {
		snprintf(error, error_size, "%s %s has an unsupported pixel layout", what, path);
	} else {
		aisp_frame frame = {.struct_size = sizeof(aisp_frame), .format = map_format(image.format),
				    .width = image.cx, .height = image.cy};
		frame.planes[0] = image.texture_data;
		frame.strides[0] = image.cx * 4;
		/* The core's verdict (no face, too large) is in its stats; remember the file either way so
		 * that a bad picture is not decoded again every update. */
		if (role == ROLE_BACKGROUND)
			core->set_background_image(instance, &frame, path);
		else if (role == ROLE_IDENTITY)
			core->set_identity_source(instance, identity, &frame, path);
		else
			core->set_source_image(instance, &frame, path);
		ok = true;
		bfree(cache->path);
		cache->path = bstrdup(path);
		cache->mtime = (int64_t)st.st_mtime;
	}
	obs_enter_graphics();
	gs_image_file_free(&image);
	obs_leave_graphics();
	return ok;
}

bool aisp_source_image_apply(struct aisp_source_image *cache, const struct aisp_core_api *core,
			     aisp_instance *instance, const char *identity, const char *path, char *error,
			     size_t error_size)
{
	return apply_picture(cache, core, instance, identity ? ROLE_IDENTITY : ROLE_SOURCE, identity, path, error,
			     error_size);
}

bool aisp_background_image_apply(struct aisp_source_image *cache, const struct aisp_core_api *core,
				 aisp_instance *instance, const char *path, char *error, size_t error_size)
{
	return apply_picture(cache, core, instance, ROLE_BACKGROUND, NULL, path, error, error_size);
}

void aisp_source_image_reset(struct aisp_source_image *cache)
{
	bfree(cache->path);
	cache->path = NULL;
	cache->mtime = 0;
}
