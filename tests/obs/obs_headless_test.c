/* Loads the AISP plugin from its install layout into a real, headless libobs (Debian's 29, under
 * xvfb-run), attaches the filter to an async source fed with a real photo (BGRA, I420 and YUY2) and to
 * a synchronous GPU-drawn source, reads the output back and checks it against the same source
 * with the filter disabled: the face changed, the rest did not. Also checks the properties, the
 * status text, a broken install (the source keeps rendering unfiltered) and leaks at shutdown.
 * Usage: obs_headless_test PLUGINS_DIR FRAMES_DIR [working|broken] */
#include <obs.h>
#include <obs-module.h>
#include <obs-nix-platform.h>
#include <graphics/vec4.h>
#include <util/bmem.h>
#include <util/platform.h>
#include <X11/Xlib.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aisp.h"
#include "check.h"
#include "texture_source.h"


enum { W = 512, H = 512, FACE_L = 172, FACE_T = 72, FACE_R = 270, FACE_B = 184 };
#define SOURCE_FACE "/usr/share/doc/facedetect/examples/grace_hopper_512x512.jpg" /* facedetect */

static uint8_t *photo_bgra, *photo_i420, *photo_yuy2;
static int aisp_log_lines;

/* The photo as packed 4:2:2 YUY2 (BT.601, full range), the format many USB webcams send. */
static uint8_t *to_yuy2(const uint8_t *bgra)
{
	uint8_t *out = malloc((size_t)W * H * 2);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x += 2) {
			const uint8_t *p = bgra + ((size_t)y * W + x) * 4;
			double yy[2], u = 0, v = 0;
			for (int k = 0; k < 2; k++) {
				double b = p[k * 4], g = p[k * 4 + 1], r = p[k * 4 + 2];
				yy[k] = 0.299 * r + 0.587 * g + 0.114 * b;
				u += (-0.168736 * r - 0.331264 * g + 0.5 * b) / 2;
				v += (0.5 * r - 0.418688 * g - 0.081312 * b) / 2;
			}
			uint8_t *o = out + ((size_t)y * W + x) * 2;
			o[0] = (uint8_t)(yy[0] + 0.5);
			o[1] = (uint8_t)(u + 128.5);
			o[2] = (uint8_t)(yy[1] + 0.5);
			o[3] = (uint8_t)(v + 128.5);
		}
	return out;
}

static void log_handler(int level, const char *format, va_list args, void *param)
{
	(void)param;
	char line[4096];
	vsnprintf(line, sizeof(line), format, args);
	if (strstr(line, "[aisp]"))
		aisp_log_lines++;
	if (level <= LOG_WARNING || strstr(line, "[aisp]"))
		fprintf(stderr, "obs: %s\n", line);
}

/* ---- synchronous test sources that draw a picture from a texture ---- */
static const char *gpu_name(void *unused)
{
	(void)unused;
	return "AISP test GPU source";
}

/* The photo, W x H. */
static void *gpu_create(obs_data_t *settings, obs_source_t *source)
{
	(void)settings, (void)source;
	return texture_source_new(photo_bgra, W, H);
}

static struct obs_source_info gpu_source_info = {
	.id = "aisp_test_gpu_source", .get_name = gpu_name, .create = gpu_create, TEXTURE_SOURCE_INFO,
};

/* 1280x720: the photo at (BIG_X, BIG_Y) on grey, wider than the core's 640 px analysis copy, so
 * its faces come back through the downscaled stage. */
enum { BIG_W = 1280, BIG_H = 720, BIG_X = 600, BIG_Y = 100 };

static void *big_create(obs_data_t *settings, obs_source_t *source)
{
	(void)settings, (void)source;
	uint8_t *pixels = bmalloc((size_t)BIG_W * BIG_H * 4);
	for (int y = 0; y < BIG_H; y++)
		for (int x = 0; x < BIG_W; x++) {
			uint8_t *p = pixels + ((size_t)y * BIG_W + x) * 4;
			if (x >= BIG_X && x < BIG_X + W && y >= BIG_Y && y < BIG_Y + H)
				memcpy(p, photo_bgra + ((size_t)(y - BIG_Y) * W + (x - BIG_X)) * 4, 4);
			else
				p[0] = p[1] = p[2] = 90, p[3] = 255;
		}
	void *s = texture_source_new(pixels, BIG_W, BIG_H);
	bfree(pixels);
	return s;
}

static struct obs_source_info big_source_info = {
	.id = "aisp_test_big_source", .get_name = gpu_name, .create = big_create, TEXTURE_SOURCE_INFO,
};

/* ---- an async test source fed with obs_source_output_video ---- */
static const char *async_name(void *unused)
{
	(void)unused;
	return "AISP test async source";
}
static void *async_create(obs_data_t *settings, obs_source_t *source)
{
	(void)settings;
	return source;
}
static void async_destroy(void *data) { (void)data; }

static struct obs_source_info async_source_info = {
	.id = "aisp_test_async_source",
	.type = OBS_SOURCE_TYPE_INPUT,
	.output_flags = OBS_SOURCE_ASYNC_VIDEO,
	.get_name = async_name,
	.create = async_create,
	.destroy = async_destroy,
};

static void output_frame(obs_source_t *source, enum video_format format, uint64_t ts)
{
	struct obs_source_frame frame = {.width = W, .height = H, .format = format, .timestamp = ts};
	if (format == VIDEO_FORMAT_BGRA) {
		frame.data[0] = photo_bgra;
		frame.linesize[0] = W * 4;
		frame.full_range = true;
	} else if (format == VIDEO_FORMAT_YUY2) {
		frame.data[0] = photo_yuy2;
		frame.linesize[0] = W * 2;
		frame.full_range = true;
		video_format_get_parameters(VIDEO_CS_601, VIDEO_RANGE_FULL, frame.color_matrix, frame.color_range_min,
					    frame.color_range_max);
	} else {
		frame.data[0] = photo_i420;
		frame.data[1] = photo_i420 + W * H;
		frame.data[2] = photo_i420 + W * H * 5 / 4;
		frame.linesize[0] = W;
		frame.linesize[1] = frame.linesize[2] = W / 2;
		frame.full_range = true;
		video_format_get_parameters(VIDEO_CS_601, VIDEO_RANGE_FULL, frame.color_matrix, frame.color_range_min,
					    frame.color_range_max);
	}
	obs_source_output_video(source, &frame);
}

/* Renders the source (with its filters) on this thread and reads it back as BGRA. */
static void read_back_sized(obs_source_t *source, uint8_t *out, int w, int h)
{
	obs_enter_graphics();
	gs_texrender_t *tr = gs_texrender_create(GS_BGRA, GS_ZS_NONE);
	gs_stagesurf_t *stage = gs_stagesurface_create(w, h, GS_BGRA);
	if (gs_texrender_begin(tr, w, h)) {
		struct vec4 clear;
		vec4_zero(&clear);
		gs_clear(GS_CLEAR_COLOR, &clear, 0.0f, 0);
		gs_ortho(0.0f, (float)w, 0.0f, (float)h, -100.0f, 100.0f);
		gs_blend_state_push();
		gs_blend_function(GS_BLEND_ONE, GS_BLEND_ZERO);
		obs_source_video_render(source);
		gs_blend_state_pop();
		gs_texrender_end(tr);
	}
	gs_stage_texture(stage, gs_texrender_get_texture(tr));
	uint8_t *data;
	uint32_t linesize;
	if (gs_stagesurface_map(stage, &data, &linesize)) {
		for (int y = 0; y < h; y++)
			memcpy(out + (size_t)y * w * 4, data + (size_t)y * linesize, (size_t)w * 4);
		gs_stagesurface_unmap(stage);
	} else {
		memset(out, 0, (size_t)w * h * 4);
	}
	gs_stagesurface_destroy(stage);
	gs_texrender_destroy(tr);
	obs_leave_graphics();
}

static void read_back(obs_source_t *source, uint8_t *out)
{
	read_back_sized(source, out, W, H);
}

struct diff {
	int inside_changed, inside_total, outside_changed, max_outside;
	long nonzero;
};

/* Compares colour bytes inside the face box and outside a margin that padding never reaches. */
static struct diff compare(const uint8_t *a, const uint8_t *b)
{
	struct diff d = {0};
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			for (int c = 0; c < 3; c++) {
				size_t i = ((size_t)y * W + x) * 4 + c;
				int delta = abs((int)a[i] - (int)b[i]);
				d.nonzero += a[i] != 0;
				if (x >= FACE_L && x < FACE_R && y >= FACE_T && y < FACE_B) {
					d.inside_total++;
					d.inside_changed += delta > 3;
				} else if (x < FACE_L - 45 || x > FACE_R + 45 || y < FACE_T - 50 || y > FACE_B + 50) {
					d.outside_changed += delta > 2;
					if (delta > d.max_outside)
						d.max_outside = delta;
				}
			}
	return d;
}

/* Waits until the filter's worker has applied every settings change made so far. */
static void wait_updates(obs_source_t *filter)
{
	calldata_t cd = {0};
	proc_handler_call(obs_source_get_proc_handler(filter), "aisp_wait_updates", &cd);
	calldata_free(&cd);
}

static void set_engine(obs_source_t *filter, const char *engine)
{
	obs_data_t *settings = obs_data_create();
	obs_data_set_string(settings, "engine", engine);
	obs_source_update(filter, settings);
	obs_data_release(settings);
}

/* Runs libobs's clock for a while so ticks and renders happen. */
static void let_obs_run(int ms)
{
	os_sleep_ms((uint32_t)ms);
}

/* What the filter must show: the face filtered, the picture unchanged (engine none), or nothing at
 * all (privacy chosen but the filter cannot cover faces: fail closed). */
enum expect { FILTERED, UNCHANGED, HIDDEN };

static void check_filtered(const char *what, obs_source_t *source, obs_source_t *filter, enum expect expect,
			   void (*feed)(obs_source_t *, int), int arg)
{
	uint8_t *plain = bmalloc((size_t)W * H * 4), *filtered = bmalloc((size_t)W * H * 4);
	obs_source_set_enabled(filter, false);
	if (feed)
		feed(source, arg);
	let_obs_run(150);
	read_back(source, plain);
	obs_source_set_enabled(filter, true);
	/* Analysis runs beside the graphics thread: a frame gets the result of an earlier one, so a
	 * still picture is shown filtered from its second frame on. */
	for (int i = 0; i < 3; i++) {
		if (feed)
			feed(source, arg);
		let_obs_run(100);
	}
	read_back(source, filtered);

	struct diff d = compare(plain, filtered);
	struct diff lit = compare(filtered, filtered);
	if (expect == HIDDEN) {
		CHECK(lit.nonzero == 0, "%s: privacy could not cover faces, yet %ld bytes were drawn", what, lit.nonzero);
		printf("%s: hidden (fail closed)\n", what);
		bfree(plain);
		bfree(filtered);
		return;
	}
	CHECK(lit.nonzero > W * H, "%s: the source rendered nothing", what);
	if (expect == FILTERED) {
		CHECK(d.inside_changed > d.inside_total / 2, "%s: only %d of %d face bytes changed", what,
		      d.inside_changed, d.inside_total);
	} else {
		CHECK(d.inside_changed == 0, "%s: %d face bytes changed though the filter must pass through", what,
		      d.inside_changed);
	}
	CHECK(d.outside_changed == 0, "%s: %d bytes changed outside the face (max delta %d)", what,
	      d.outside_changed, d.max_outside);
	printf("%s: face bytes changed %d/%d, outside changed %d (max delta %d)\n", what, d.inside_changed,
	       d.inside_total, d.outside_changed, d.max_outside);
	bfree(plain);
	bfree(filtered);
}

static uint64_t frame_ts;
static void feed_async(obs_source_t *source, int format);
static void feed_frames(obs_source_t *source, int n, int ms);
static void status_text(obs_source_t *filter, char *out, size_t size);

static bool same_picture(const uint8_t *a, const uint8_t *b)
{
	int off = 0;
	for (size_t i = 0; i < (size_t)W * H * 4; i++)
		off += abs((int)a[i] - (int)b[i]) > 2;
	return off == 0;
}

/* A BGRA picture as a PPM file, for a person to look at when a comparison fails (AISP_TEST_DUMP). */
static void write_ppm(const char *path, const uint8_t *bgra)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return;
	fprintf(f, "P6 %d %d 255\n", W, H);
	for (int i = 0; i < W * H; i++) {
		uint8_t px[3] = {bgra[i * 4 + 2], bgra[i * 4 + 1], bgra[i * 4]};
		fwrite(px, 1, 3, f);
	}
	fclose(f);
}

/* Privacy's whole-frame cover (fail closed while analysis lags): the picture away from the face
 * differs from the photo and the face itself is not shown. */
static bool covered_whole(const uint8_t *shown)
{
	struct diff d = compare(shown, photo_bgra);
	return d.outside_changed > 10000 && d.inside_changed > d.inside_total / 4;
}

/* Feeds frames until the filter's output settles: two reads in a row the same, neither a whole
 * cover, and (for a second engine) unlike the first's. A count of frames would not do: on a busy
 * machine a face's first mesh search takes many frames longer. */
static bool settle_reference(obs_source_t *async, uint8_t *out, const uint8_t *unlike)
{
	uint8_t *last = bzalloc((size_t)W * H * 4);
	bool settled = false;
	for (int i = 0; i < 300 && !settled; i++) {
		feed_async(async, VIDEO_FORMAT_BGRA);
		let_obs_run(60);
		read_back(async, out);
		settled = i >= 3 && same_picture(out, last) && !covered_whole(out) && (!unlike || !same_picture(out, unlike));
		memcpy(last, out, (size_t)W * H * 4);
	}
	bfree(last);
	return settled;
}

/* Switches privacy <-> morph 200 times while frames flow (a switch every second frame), without waiting for the switch: every
 * frame shown must be exactly one of the two engines' outputs, and the source never goes dark. */
static void check_switching(void)
{
	obs_source_t *async = obs_source_create_private("aisp_test_async_source", "switch", NULL);
	obs_source_set_async_unbuffered(async, true);
	obs_data_t *settings = obs_data_create();
	obs_data_set_string(settings, "engine", "privacy");
	obs_data_set_string(settings, "source_image", SOURCE_FACE);
	/* A fixed level: adaptive quality would change detection cadence with the machine's load, and
	 * with it the exact pixels this test compares. */
	obs_data_set_string(settings, "quality", "quality");
	/* Unsmoothed landmarks: the mesh settles on a still face within two frames, while smoothing
	 * would take a second, so each engine's output is one exact picture to compare with. */
	obs_data_set_bool(settings, "stabilize", false);
	obs_source_t *filter = obs_source_create_private("aisp_face_filter", "aisp switch", settings);
	obs_data_release(settings);
	obs_source_filter_add(async, filter);
	obs_set_output_source(0, async);

	uint8_t *privacy = bmalloc((size_t)W * H * 4), *morph = bmalloc((size_t)W * H * 4), *shown = bmalloc((size_t)W * H * 4);
	const char *engines[] = {"privacy", "morph"};
	uint8_t *refs[] = {privacy, morph};
	for (int e = 0; e < 2; e++) {
		set_engine(filter, engines[e]);
		wait_updates(filter);
		CHECK(settle_reference(async, refs[e], e ? privacy : NULL), "switching: %s's output did not settle", engines[e]);
	}
	struct diff d = compare(privacy, morph);
	CHECK(d.inside_changed > d.inside_total / 4, "switching: privacy and morph outputs are alike (%d/%d)",
	      d.inside_changed, d.inside_total);
	char status[1024];
	status_text(filter, status, sizeof(status));
	CHECK(strstr(status, "error") == NULL, "switching: status shows an error: %s", status);

	/* A switch every second frame: an engine that needs landmarks takes over from the frame after
	 * analysis first provides them, so every frame is one engine's output, never a mix or a gap. */
	int seen[2] = {0, 0}, neither = 0, dark = 0, whole = 0;
	for (int i = 0; i < 400; i++) {
		if (i % 2 == 0)
			set_engine(filter, engines[(i / 2) % 2]);
		feed_async(async, VIDEO_FORMAT_BGRA);
		let_obs_run(34);
		read_back(async, shown);
		struct diff lit = compare(shown, shown);
		if (lit.nonzero < W * H)
			dark++;
		else if (same_picture(shown, privacy))
			seen[0]++;
		else if (same_picture(shown, morph))
			seen[1]++;
		else if (covered_whole(shown))
			whole++; /* privacy failing closed while analysis lags: correct, and counted */
		else {
			neither++;
			const char *dump = getenv("AISP_TEST_DUMP");
			if (dump) {
				aisp_stats st = {.struct_size = sizeof(aisp_stats)};
				calldata_t cd = {0};
				calldata_set_ptr(&cd, "stats", &st);
				proc_handler_call(obs_source_get_proc_handler(filter), "aisp_get_stats", &cd);
				calldata_free(&cd);
				printf("neither at %d: engine %s, compositor %s, faces %u, notice '%s'\n", i, st.engine, st.compositor, st.faces_last_frame, st.notice);
				char path[512];
				snprintf(path, sizeof(path), "%s/neither-%d.ppm", dump, i);
				write_ppm(path, shown);
				snprintf(path, sizeof(path), "%s/privacy.ppm", dump);
				write_ppm(path, privacy);
				snprintf(path, sizeof(path), "%s/morph.ppm", dump);
				write_ppm(path, morph);
			}
		}
	}
	printf("switching: privacy %d, morph %d, covered whole %d, neither %d, dark %d\n", seen[0], seen[1], whole, neither, dark);
	CHECK(neither == 0, "switching: %d frames were neither engine's output", neither);
	CHECK(dark == 0, "switching: the source went dark %d times", dark);
	CHECK(seen[0] >= 50 && seen[1] >= 50, "switching: the engines did not both show (%d, %d)", seen[0], seen[1]);
	CHECK(whole <= 100, "switching: %d of 400 frames were covered whole", whole);

	bfree(privacy);
	bfree(morph);
	bfree(shown);
	obs_set_output_source(0, NULL);
	obs_source_filter_remove(async, filter);
	obs_source_release(filter);
	obs_source_release(async);
}
/* Mean and largest colour difference between two pictures inside a box around the face, and how
 * many colour bytes differ by more than 8. */
struct likeness {
	double mean;
	int max, over8;
};

static struct likeness likeness(const uint8_t *a, const uint8_t *b)
{
	struct likeness l = {0};
	long sum = 0, n = 0;
	for (int y = FACE_T - 50; y < FACE_B + 50; y++)
		for (int x = FACE_L - 45; x < FACE_R + 45; x++)
			for (int c = 0; c < 3; c++) {
				size_t i = ((size_t)y * W + x) * 4 + c;
				int delta = abs((int)a[i] - (int)b[i]);
				sum += delta;
				n++;
				l.over8 += delta > 8;
				if (delta > l.max)
					l.max = delta;
			}
	l.mean = (double)sum / (double)n;
	return l;
}

static void dump_pair(const char *dir, bool async, const char *engine, const char *mode, const uint8_t *cpu,
		      const uint8_t *gpu)
{
	for (int k = 0; k < 2; k++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s-%s-%s-%s.ppm", dir, async ? "async" : "sync", engine, mode,
			 k ? "gpu" : "cpu");
		FILE *f = fopen(path, "wb");
		if (!f)
			continue;
		fprintf(f, "P6 %d %d 255\n", W, H);
		const uint8_t *img = k ? gpu : cpu;
		for (int i = 0; i < W * H; i++) {
			uint8_t px[3] = {img[i * 4 + 2], img[i * 4 + 1], img[i * 4]};
			fwrite(px, 1, 3, f);
		}
		fclose(f);
	}
}

static void set_string(obs_source_t *filter, const char *key, const char *value)
{
	obs_data_t *settings = obs_data_create();
	obs_data_set_string(settings, key, value);
	obs_source_update(filter, settings);
	obs_data_release(settings);
	wait_updates(filter);
}

/* Shows the source with the filter after a few frames (analysis runs beside the graphics thread). */
static void settle_and_read(obs_source_t *source, bool async, uint8_t *out)
{
	for (int i = 0; i < 7; i++) { /* a face's first mesh searches, the next frames settle it */
		if (async)
			feed_async(source, VIDEO_FORMAT_BGRA);
		let_obs_run(80);
	}
	read_back(source, out);
}

/* The GPU compositor (draws in the render pass) and the CPU compositor (paints the frame in
 * memory, as the CLI does) must give the same picture: for every engine with a GPU drawer, on an
 * async and on a synchronous source, the two outputs are compared inside the face area. */
static void check_compositors(void)
{
	static const struct {
		const char *engine, *privacy_mode;
		double max_mean; /* mean colour difference allowed, in levels */
		int max_over8;   /* colour bytes allowed to differ by more than 8 */
	} cases[] = {
		/* Measured: pixelate 0.001 (rounding of the block means), blur and landmarks 0.000. */
		{"privacy", "pixelate", 0.05, 0},
		{"privacy", "blur", 0.05, 0},
		{"landmarks", "pixelate", 0.05, 0},
		/* The mesh swap's crop, drawn once by analysis, placed by each: measured 0.05 mean, 0 bytes
		 * over 8 (bilinear taps of the float crop, rounded differently). */
		{"morph", "pixelate", 0.15, 20},
		/* AR (retouch and the default glasses) takes the same crop path as the mesh swap. */
		{"ar", "pixelate", 0.15, 20},
	};
	uint8_t *plain = bmalloc((size_t)W * H * 4), *cpu = bmalloc((size_t)W * H * 4), *gpu = bmalloc((size_t)W * H * 4);
	for (int kind = 0; kind < 2; kind++) {
		bool async = kind == 0;
		obs_source_t *source = async ? obs_source_create_private("aisp_test_async_source", "cmp async", NULL)
					     : obs_source_create_private("aisp_test_gpu_source", "cmp gpu", NULL);
		if (async)
			obs_source_set_async_unbuffered(source, true);
		obs_data_t *settings = obs_data_create();
		obs_data_set_string(settings, "source_image", SOURCE_FACE);
		obs_data_set_string(settings, "quality", "quality"); /* the same detection cadence in both runs */
		obs_data_set_bool(settings, "stabilize", false);      /* and the same settled landmarks (see check_switching) */
		obs_source_t *filter = obs_source_create_private("aisp_face_filter", "aisp compare", settings);
		obs_data_release(settings);
		obs_source_filter_add(source, filter);
		obs_set_output_source(0, source);
		wait_updates(filter);
		obs_source_set_enabled(filter, false);
		settle_and_read(source, async, plain);
		obs_source_set_enabled(filter, true);
		for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
			set_string(filter, "engine", cases[c].engine);
			set_string(filter, "privacy_mode", cases[c].privacy_mode);
			set_string(filter, "compositor", "cpu");
			settle_and_read(source, async, cpu);
			set_string(filter, "compositor", "gpu");
			settle_and_read(source, async, gpu);
			struct likeness l = likeness(cpu, gpu);
			if (getenv("AISP_DUMP")) /* QA: AISP_DUMP=DIR writes both pictures as PPM */
				dump_pair(getenv("AISP_DUMP"), async, cases[c].engine, cases[c].privacy_mode, cpu, gpu);
			struct diff changed = compare(plain, gpu);
			struct diff outside = compare(cpu, gpu);
			printf("compositors (%s, %s %s): mean difference %.3f, max %d, %d bytes over 8; GPU changed %d/%d face bytes\n",
			       async ? "async" : "GPU source", cases[c].engine, cases[c].privacy_mode, l.mean, l.max,
			       l.over8, changed.inside_changed, changed.inside_total);
			CHECK(changed.inside_changed > changed.inside_total / 20, "compositors (%s): the GPU output did not change the face",
			      cases[c].engine);
			CHECK(changed.outside_changed == 0, "compositors (%s): the GPU output changed %d bytes outside the face",
			      cases[c].engine, changed.outside_changed);
			CHECK(outside.outside_changed == 0, "compositors (%s): CPU and GPU differ outside the face", cases[c].engine);
			CHECK(l.mean <= cases[c].max_mean && l.over8 <= cases[c].max_over8,
			      "compositors (%s %s): CPU and GPU differ: mean %.3f (allowed %.2f), %d bytes over 8 (allowed %d)",
			      cases[c].engine, cases[c].privacy_mode, l.mean, cases[c].max_mean, l.over8, cases[c].max_over8);
		}
		obs_set_output_source(0, NULL);
		obs_source_filter_remove(source, filter);
		obs_source_release(filter);
		obs_source_release(source);
	}
	bfree(plain);
	bfree(cpu);
	bfree(gpu);
}

/* Mean absolute difference of a region's colour bytes (or of its alpha), in levels. */
static double region_change(const uint8_t *a, const uint8_t *b, int x0, int y0, int w, int h, bool alpha)
{
	long sum = 0, n = 0;
	for (int y = y0; y < y0 + h; y++)
		for (int x = x0; x < x0 + w; x++)
			for (int c = alpha ? 3 : 0; c < (alpha ? 4 : 3); c++) {
				size_t i = ((size_t)y * W + x) * 4 + c;
				sum += abs((int)a[i] - (int)b[i]);
				n++;
			}
	return (double)sum / (double)n;
}

/* The background (person mask on the analysis thread, layer composited by either compositor): on
 * both source kinds, blur, replace and transparent, the two compositors give the same whole picture, the
 * face is left as it was and the background behind her (the model rocket) changes. */
static void check_background(void)
{
	static const char *modes[] = {"blur", "replace", "transparent"};
	enum { FACE_X = 195, FACE_Y = 90, FACE_W = 60, FACE_H = 70, BACK_X = 370, BACK_Y = 20, BACK_W = 80, BACK_H = 200 };
	uint8_t *plain = bmalloc((size_t)W * H * 4), *cpu = bmalloc((size_t)W * H * 4), *gpu = bmalloc((size_t)W * H * 4);
	for (int kind = 0; kind < 2; kind++) {
		bool async = kind == 0;
		obs_source_t *source = async ? obs_source_create_private("aisp_test_async_source", "bg async", NULL)
					     : obs_source_create_private("aisp_test_gpu_source", "bg gpu", NULL);
		if (async)
			obs_source_set_async_unbuffered(source, true);
		obs_data_t *settings = obs_data_create();
		obs_data_set_string(settings, "engine", "none");
		obs_data_set_string(settings, "background_model", "general");
		obs_data_set_string(settings, "background_image", "/usr/share/doc/facedetect/examples/640px-IceBlockNearJoekullsarlon.jpg");
		obs_source_t *filter = obs_source_create_private("aisp_face_filter", "aisp background", settings);
		obs_data_release(settings);
		obs_source_filter_add(source, filter);
		obs_set_output_source(0, source);
		wait_updates(filter);
		obs_source_set_enabled(filter, false);
		settle_and_read(source, async, plain);
		obs_source_set_enabled(filter, true);
		for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
			bool transparent = strcmp(modes[m], "transparent") == 0;
			set_string(filter, "background", modes[m]);
			set_string(filter, "compositor", "cpu");
			settle_and_read(source, async, cpu);
			set_string(filter, "compositor", "gpu");
			settle_and_read(source, async, gpu);
			if (getenv("AISP_DUMP"))
				dump_pair(getenv("AISP_DUMP"), async, "background", modes[m], cpu, gpu);
			double whole = region_change(cpu, gpu, 0, 0, W, H, false), whole_alpha = region_change(cpu, gpu, 0, 0, W, H, true);
			double face = region_change(plain, gpu, FACE_X, FACE_Y, FACE_W, FACE_H, transparent);
			double back = region_change(plain, gpu, BACK_X, BACK_Y, BACK_W, BACK_H, transparent);
			printf("background (%s, %s): CPU vs GPU mean %.3f colour, %.3f alpha over the frame; GPU changed face %.2f, background %.1f levels\n",
			       async ? "async" : "GPU source", modes[m], whole, whole_alpha, face, back);
			CHECK(whole < 0.3 && whole_alpha < 0.3, "background (%s): the compositors differ: %.3f colour, %.3f alpha",
			      modes[m], whole, whole_alpha);
			CHECK(face < 1.0, "background (%s): the face changed by %.2f levels", modes[m], face);
			CHECK(back > (transparent ? 200 : 8), "background (%s): the background barely changed (%.1f)", modes[m], back);
		}
		obs_set_output_source(0, NULL);
		obs_source_filter_remove(source, filter);
		obs_source_release(filter);
		obs_source_release(source);
	}
	bfree(plain);
	bfree(cpu);
	bfree(gpu);
}

/* A 1280x720 GPU-drawn source with the GPU compositor: analysis sees a 640x360 copy staged on the
 * GPU, and the faces it finds are scaled back: the pixelated area sits on the face in full-size
 * pixels, and nothing else changes. */
static void check_large_gpu_source(void)
{
	obs_source_t *big = obs_source_create_private("aisp_test_big_source", "big", NULL);
	obs_data_t *settings = obs_data_create();
	obs_data_set_string(settings, "compositor", "gpu");
	obs_source_t *filter = obs_source_create_private("aisp_face_filter", "aisp big", settings);
	obs_data_release(settings);
	obs_source_filter_add(big, filter);
	obs_set_output_source(0, big);
	wait_updates(filter);
	size_t bytes = (size_t)BIG_W * BIG_H * 4;
	uint8_t *plain = bmalloc(bytes), *filtered = bmalloc(bytes);
	obs_source_set_enabled(filter, false);
	let_obs_run(150);
	read_back_sized(big, plain, BIG_W, BIG_H);
	obs_source_set_enabled(filter, true);
	let_obs_run(400);
	read_back_sized(big, filtered, BIG_W, BIG_H);
	int inside = 0, total = 0, outside = 0;
	for (int y = 0; y < BIG_H; y++)
		for (int x = 0; x < BIG_W; x++)
			for (int c = 0; c < 3; c++) {
				size_t i = ((size_t)y * BIG_W + x) * 4 + c;
				int delta = abs((int)plain[i] - (int)filtered[i]);
				int fx = x - BIG_X, fy = y - BIG_Y;
				if (fx >= FACE_L && fx < FACE_R && fy >= FACE_T && fy < FACE_B) {
					total++;
					inside += delta > 3;
				} else if (fx < FACE_L - 45 || fx > FACE_R + 45 || fy < FACE_T - 50 || fy > FACE_B + 50) {
					outside += delta > 2;
				}
			}
	printf("large GPU source (1280x720, analysed at 640x360): face bytes changed %d/%d, outside changed %d\n",
	       inside, total, outside);
	CHECK(inside > total / 2, "large GPU source: only %d of %d face bytes changed", inside, total);
	CHECK(outside == 0, "large GPU source: %d bytes changed outside the face", outside);
	bfree(plain);
	bfree(filtered);
	obs_set_output_source(0, NULL);
	obs_source_filter_remove(big, filter);
	obs_source_release(filter);
	obs_source_release(big);
}

/* "auto" tries the GPU compositor, then the CPU one, and settles on the one that cost the graphics
 * thread less; the status says which. */
static void check_auto_compositor(void)
{
	obs_source_t *async = obs_source_create_private("aisp_test_async_source", "auto", NULL);
	obs_source_set_async_unbuffered(async, true);
	obs_source_t *filter = obs_source_create_private("aisp_face_filter", "aisp auto", NULL);
	obs_source_filter_add(async, filter);
	obs_set_output_source(0, async);
	wait_updates(filter);
	char status[1024] = "";
	for (int i = 0; i < 400 && !strstr(status, "auto: gpu") && !strstr(status, "auto: cpu"); i++) {
		feed_async(async, VIDEO_FORMAT_BGRA);
		let_obs_run(34);
		if (i % 20 == 19)
			status_text(filter, status, sizeof(status));
	}
	printf("auto compositor: %s\n", status);
	CHECK(strstr(status, "auto: gpu") || strstr(status, "auto: cpu"), "auto compositor never settled: %s", status);
	/* Its choice must be the cheaper one as measured: the GPU draws (composite stage, from its trial)
	 * against the CPU painting (engine stage), medians on OBS's graphics thread. */
	aisp_stats stats = {.struct_size = sizeof(aisp_stats)};
	calldata_t cd = {0};
	calldata_set_ptr(&cd, "stats", &stats);
	proc_handler_call(obs_source_get_proc_handler(filter), "aisp_get_stats", &cd);
	CHECK(calldata_bool(&cd, "ok"), "aisp_get_stats failed");
	calldata_free(&cd);
	double gpu_ms = stats.stages[AISP_STAGE_COMPOSITE].p50_ms, cpu_ms = stats.stages[AISP_STAGE_ENGINE].p50_ms;
	bool chose_gpu = strstr(status, "auto: gpu") != NULL;
	printf("auto compositor: GPU draws p50 %.2f ms, CPU painting p50 %.2f ms, chose %s\n", gpu_ms, cpu_ms,
	       chose_gpu ? "gpu" : "cpu");
	CHECK(gpu_ms > 0 && cpu_ms > 0, "both compositors must have been measured (gpu %.2f, cpu %.2f)", gpu_ms, cpu_ms);
	/* 0.5 ms: the hand-off is timed apart from either stage and differs a little between them. */
	CHECK(chose_gpu ? gpu_ms <= cpu_ms + 0.5 : cpu_ms <= gpu_ms + 0.5, "auto chose %s though it measured gpu %.2f ms, cpu %.2f ms",
	      chose_gpu ? "gpu" : "cpu", gpu_ms, cpu_ms);
	obs_set_output_source(0, NULL);
	obs_source_filter_remove(async, filter);
	obs_source_release(filter);
	obs_source_release(async);
}

static void feed_async(obs_source_t *source, int format)
{
	frame_ts += 33333333;
	output_frame(source, (enum video_format)format, frame_ts);
}

/* Feeds n BGRA frames to an async source, letting OBS run ms after each. */
static void feed_frames(obs_source_t *source, int n, int ms)
{
	for (int i = 0; i < n; i++) {
		feed_async(source, VIDEO_FORMAT_BGRA);
		let_obs_run(ms);
	}
}

static bool has_list_item(obs_property_t *list, const char *value)
{
	for (size_t i = 0; i < obs_property_list_item_count(list); i++)
		if (strcmp(obs_property_list_item_string(list, i), value) == 0)
			return true;
	return false;
}

/* The core the module loaded (already mapped: RTLD_NOLOAD), for its settings schema; NULL without one. */
static char core_dir[1024], module_path[1024];
static void *loaded_core(void)
{
	char path[1100];
	snprintf(path, sizeof(path), "%s/aisp/aisp_core.so", core_dir);
	void *core = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	if (!core) {
		snprintf(path, sizeof(path), "%s/aisp_core.so", core_dir);
		core = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	}
	return core;
}

/* Whether the module's locale has this id (the module's own obs_module_get_string). */
static bool (*module_string)(const char *id, const char **out);
static bool in_locale(const char *id)
{
	const char *text = NULL;
	return module_string && module_string(id, &text) && text && *text;
}

/* Every OBS setting of the core's schema is a property, with its choices, its label, help and
 * choices in the locale, and the visibility the schema gives: a key missing from the properties or
 * the locale fails here. */
static void check_properties_match_schema(obs_properties_t *props, obs_source_t *filter)
{
	void *module = dlopen(module_path, RTLD_NOW | RTLD_NOLOAD);
	module_string = module ? (bool (*)(const char *, const char **))dlsym(module, "obs_module_get_string") : NULL;
	CHECK(module_string != NULL, "the module's obs_module_get_string was not found");
	void *core = loaded_core();
	CHECK(core != NULL, "the loaded core was not found in %s", core_dir);
	if (!core)
		return;
	uint32_t (*schema_of)(char *, uint32_t) = (uint32_t (*)(char *, uint32_t))dlsym(core, "aisp_settings_schema");
	CHECK(schema_of != NULL, "the core lacks aisp_settings_schema");
	if (!schema_of) {
		dlclose(core);
		return;
	}
	uint32_t length = schema_of(NULL, 0);
	char *json = bmalloc(length + 1);
	schema_of(json, length + 1);
	obs_data_t *schema = obs_data_create_from_json(json);
	obs_data_array_t *settings = obs_data_get_array(schema, "settings");
	size_t shown = 0;
	for (size_t i = 0; i < obs_data_array_count(settings); i++) {
		obs_data_t *spec = obs_data_array_item(settings, i);
		const char *key = obs_data_get_string(spec, "key"), *locale_id = obs_data_get_string(spec, "locale_id");
		obs_property_t *p = obs_properties_get(props, key);
		if (!obs_data_get_bool(spec, "obs")) {
			CHECK(p == NULL, "%s is not an OBS setting but has a property", key);
		} else {
			shown++;
			CHECK(p != NULL, "the schema's %s has no property", key);
			if (p) {
				char help_id[256];
				snprintf(help_id, sizeof(help_id), "%s.Help", locale_id);
				CHECK(in_locale(locale_id), "%s: no label in the locale (%s)", key, locale_id);
				CHECK(in_locale(help_id), "%s: no help in the locale (%s)", key, help_id);
				const char *help = obs_property_long_description(p);
				CHECK(help && strcmp(help, help_id) != 0, "%s: the property's help is not its text", key);
				const char *choices = obs_data_get_string(spec, "choices_text");
				size_t expected = 0;
				for (const char *c = choices; c && *c; c = strchr(c, '\n') ? strchr(c, '\n') + 1 : NULL)
					expected++;
				CHECK(obs_property_list_item_count(p) == expected, "%s: %zu choices, the schema has %zu", key,
				      obs_property_list_item_count(p), expected);
				for (size_t c = 0; c < obs_property_list_item_count(p); c++) {
					const char *name = obs_property_list_item_name(p, c), *value = obs_property_list_item_string(p, c);
					char id[256];
					snprintf(id, sizeof(id), "%s.%s", locale_id, value);
					CHECK(strstr(choices, value) && in_locale(id) && strcmp(name, id) != 0, "%s: choice %s has no text in the locale (%s)", key, value, id);
				}
			}
		}
		obs_data_release(spec);
	}
	CHECK(shown > 30, "only %zu OBS settings in the schema", shown);

	/* Visibility follows the schema: the engine's and the background's own settings. */
	obs_data_t *s = obs_source_get_settings(filter);
	obs_data_set_string(s, "engine", "ar");
	obs_data_set_string(s, "background", "blur");
	obs_properties_apply_settings(props, s);
	CHECK(obs_property_visible(obs_properties_get(props, "retouch")) && !obs_property_visible(obs_properties_get(props, "privacy_mode")),
	      "with engine ar, AR settings shown and privacy's hidden");
	CHECK(obs_property_visible(obs_properties_get(props, "background_blur")) && !obs_property_visible(obs_properties_get(props, "background_image")),
	      "with background blur, its strength shown and the picture hidden");
	obs_data_set_string(s, "engine", "privacy");
	obs_data_set_string(s, "privacy_rule", "everyone");
	obs_data_set_string(s, "background", "none");
	obs_properties_apply_settings(props, s);
	CHECK(obs_property_visible(obs_properties_get(props, "privacy_mode")) && !obs_property_visible(obs_properties_get(props, "privacy_identities")) &&
		      !obs_property_visible(obs_properties_get(props, "background_model")),
	      "with privacy for everyone, no names field and no mask model");
	obs_data_release(s);
	obs_data_array_release(settings);
	obs_data_release(schema);
	bfree(json);
	dlclose(core);
	if (module)
		dlclose(module);
}

static void check_properties(obs_source_t *filter, bool core_present)
{
	obs_properties_t *props = obs_source_properties(filter);
	if (!core_present) {
		/* Without a core there is no schema: the properties show why, and nothing else. */
		CHECK(obs_properties_get(props, "engine") == NULL && obs_properties_get(props, "status") != NULL,
		      "without a core the properties show the status only");
		obs_properties_destroy(props);
		return;
	}
	check_properties_match_schema(props, filter);
	obs_property_t *engine = obs_properties_get(props, "engine");
	CHECK(engine && has_list_item(engine, "privacy") && has_list_item(engine, "none") && has_list_item(engine, "ar"),
	      "engine list incomplete");
	obs_property_t *background = obs_properties_get(props, "background");
	CHECK(background && has_list_item(background, "blur") && has_list_item(background, "replace") &&
		      has_list_item(background, "transparent"),
	      "no background list with blur, replace and transparent");
	CHECK(obs_properties_get(props, "background_image") && obs_properties_get(props, "effect_pack") &&
		      obs_properties_get(props, "effect_pack_path") && obs_properties_get(props, "retouch"),
	      "AR and background properties missing");
	CHECK(obs_properties_get(props, "detector") != NULL, "no detector property");
	CHECK(obs_properties_get(props, "privacy_mode") != NULL, "no privacy_mode property");
	CHECK(obs_properties_get(props, "privacy_strength") != NULL, "no privacy_strength property");
	obs_property_t *status = obs_properties_get(props, "status");
	CHECK(status && obs_property_text_type(status) == OBS_TEXT_INFO, "no read-only status text");
	char line[1024];
	status_text(filter, line, sizeof(line));
	CHECK(status && strcmp(obs_property_description(status), line) == 0, "the properties show '%s', the status is '%s'",
	      status ? obs_property_description(status) : "", line);
	CHECK(obs_properties_get(props, "refresh_status") != NULL, "no refresh button for the status");
	CHECK(strcmp(obs_source_get_display_name("aisp_face_filter"), "AISP Face") == 0,
	      "display name '%s' (locale not loaded?)", obs_source_get_display_name("aisp_face_filter"));
	obs_properties_destroy(props);
}

/* The status line, as the properties show it (proc aisp_status). */
static void status_text(obs_source_t *filter, char *out, size_t size)
{
	calldata_t cd = {0};
	proc_handler_call(obs_source_get_proc_handler(filter), "aisp_status", &cd);
	const char *text = calldata_string(&cd, "text");
	snprintf(out, size, "%s", text ? text : "");
	calldata_free(&cd);
}

/* The live status never enters the settings OBS saves into scene collections. */
static void check_status_not_saved(obs_source_t *filter)
{
	obs_data_t *settings = obs_source_get_settings(filter);
	const char *json = obs_data_get_json(settings);
	CHECK(!obs_data_has_user_value(settings, "status") && !obs_data_has_default_value(settings, "status"),
	      "the status line is in the filter's settings");
	CHECK(strstr(json, "fps") == NULL && strstr(json, "status") == NULL, "saved settings hold status: %s", json);
	obs_data_release(settings);
}

/* A frame may show the filtered face or nothing, never the face as the camera sent it. */
static void check_face_not_shown(const char *what, const uint8_t *plain, const uint8_t *shown)
{
	struct diff d = compare(plain, shown);
	struct diff lit = compare(shown, shown);
	bool hidden = lit.nonzero == 0;
	CHECK(hidden || d.inside_changed > d.inside_total / 2, "%s: the unmasked face was shown (%d of %d face bytes changed)",
	      what, d.inside_changed, d.inside_total);
	printf("%s: %s\n", what, hidden ? "hidden" : "covered");
}

/* An unbuffered async source on the output, fed the photo once; plain gets the picture it shows
 * before any filter. */
static obs_source_t *shown_async_source(const char *name, uint8_t *plain)
{
	obs_source_t *async = obs_source_create_private("aisp_test_async_source", name, NULL);
	obs_source_set_async_unbuffered(async, true);
	obs_set_output_source(0, async);
	feed_async(async, VIDEO_FORMAT_BGRA);
	let_obs_run(80);
	read_back(async, plain);
	return async;
}

/* A source face "picture" that is a FIFO: the filter's worker must not block on it (a plain open
 * would wait for a writer for ever, and the filter could then never be updated or destroyed). */
static void check_fifo_source_picture(void)
{
	char fifo[] = "/tmp/aisp-fifo-XXXXXX";
	CHECK(mkdtemp(fifo) != NULL, "mkdtemp failed");
	char path[64];
	snprintf(path, sizeof(path), "%s/face.png", fifo);
	CHECK(mkfifo(path, 0600) == 0, "mkfifo failed");
	obs_data_t *settings = obs_data_create();
	obs_data_set_string(settings, "engine", "morph");
	obs_data_set_string(settings, "source_image", path);
	obs_source_t *filter = obs_source_create_private("aisp_face_filter", "aisp fifo", settings);
	obs_data_release(settings);
	wait_updates(filter);
	let_obs_run(1100); /* past one status interval */
	char status[1024];
	status_text(filter, status, sizeof(status));
	CHECK(strstr(status, "not a regular file") != NULL, "FIFO source picture: status '%s'", status);
	obs_source_release(filter);
	unlink(path);
	rmdir(fifo);
}

/* Applies the settings to the filter, lets the async source run a few frames and reads its output. */
static void update_and_read(obs_source_t *filter, obs_data_t *settings, obs_source_t *async, int frames, uint8_t *out)
{
	obs_source_update(filter, settings);
	wait_updates(filter);
	feed_frames(async, frames, 40);
	read_back(async, out);
}

/* The face library written by the CLI (another process) and read by the plugin: with the astronaut
 * enrolled, "everyone except the listed" leaves her face alone, "only the listed" covers it, and
 * the status counts her as known. */
static void check_face_library(const char *plugins)
{
	const char *cli = getenv("AISP_CLI");
	CHECK(cli != NULL, "AISP_CLI (dotnet and the CLI's dll) is not set");
	if (!cli)
		return;
	char dir[] = "/tmp/aisp-library-XXXXXX";
	CHECK(mkdtemp(dir) != NULL, "mkdtemp failed");
	char library[128], command[2048];
	snprintf(library, sizeof(library), "%s/faces.db", dir);
	snprintf(command, sizeof(command),
		 "AISP_MODELS_DIR='%s/aisp/data/models' %s faces add Astronaut /usr/lib/python3/dist-packages/skimage/data/astronaut.png "
		 "--library '%s' >/dev/null 2>&1",
		 plugins, cli, library);
	CHECK(system(command) == 0, "enrolling with the CLI failed: %s", command);

	uint8_t *plain = bmalloc((size_t)W * H * 4), *shown = bmalloc((size_t)W * H * 4);
	obs_source_t *async = shown_async_source("library", plain);

	obs_data_t *settings = obs_data_create();
	obs_data_set_string(settings, "face_library", library);
	obs_data_set_string(settings, "privacy_rule", "except_listed");
	obs_data_set_string(settings, "privacy_identities", "Astronaut");
	obs_data_set_string(settings, "compositor", "cpu");
	obs_data_set_bool(settings, "stabilize", false); /* the compositors compared on the same settled landmarks (see check_switching) */
	obs_source_t *filter = obs_source_create_private("aisp_face_filter", "aisp library", settings);
	obs_source_filter_add(async, filter);
	wait_updates(filter);
	/* Until the status counts the face as known: recognition runs at the lowest priority, so on a
	 * busy machine it takes longer than any fixed number of frames (bounded: 600 frames). */
	char status[1024] = "";
	for (int i = 0; i < 600 && !strstr(status, "1 known, 0 unknown"); i++) {
		feed_frames(async, 1, 40);
		if (i % 5 == 4)
			status_text(filter, status, sizeof(status));
	}
	feed_frames(async, 3, 40);
	read_back(async, shown);
	struct diff spared = compare(plain, shown);
	CHECK(spared.inside_changed == 0, "except_listed: the enrolled face changed (%d of %d bytes)", spared.inside_changed,
	      spared.inside_total);
	status_text(filter, status, sizeof(status));
	printf("face library (except the astronaut): %s\n", status);
	CHECK(strstr(status, "1 known, 0 unknown") != NULL, "status does not count the known face: %s", status);

	obs_data_set_string(settings, "privacy_rule", "only_listed");
	update_and_read(filter, settings, async, 10, shown);
	struct diff covered = compare(plain, shown);
	CHECK(covered.inside_changed > covered.inside_total / 2, "only_listed: the enrolled face was not covered (%d of %d)",
	      covered.inside_changed, covered.inside_total);
	CHECK(covered.outside_changed == 0, "only_listed: %d bytes changed outside the face", covered.outside_changed);

	/* The landmarks overlay writes the name under the box, the same with both compositors. */
	uint8_t *gpu = bmalloc((size_t)W * H * 4);
	obs_data_set_string(settings, "engine", "landmarks");
	update_and_read(filter, settings, async, 10, shown);
	obs_data_set_string(settings, "compositor", "gpu");
	update_and_read(filter, settings, async, 10, gpu);
	int label_bytes = 0; /* the band under the face box, where the name goes */
	for (int y = FACE_B + 2; y < FACE_B + 40 && y < H; y++)
		for (int x = FACE_L - 30; x < FACE_R + 90 && x < W; x++)
			for (int c = 0; c < 3; c++)
				label_bytes += abs((int)plain[((size_t)y * W + x) * 4 + c] - (int)shown[((size_t)y * W + x) * 4 + c]) > 2;
	struct likeness same = likeness(shown, gpu);
	if (getenv("AISP_DUMP"))
		dump_pair(getenv("AISP_DUMP"), true, "landmarks", "names", shown, gpu);
	printf("landmarks with names: %d bytes changed under the face box (the label); CPU vs GPU mean %.3f, %d bytes over 8\n",
	       label_bytes, same.mean, same.over8);
	CHECK(label_bytes > 1000, "no name label under the box (%d bytes changed there)", label_bytes);
	struct diff apart = compare(shown, gpu);
	CHECK(same.over8 == 0 && apart.outside_changed == 0,
	      "the compositors draw the labelled overlay differently: %d bytes over 8 near the face, %d elsewhere", same.over8,
	      apart.outside_changed);
	bfree(gpu);

	/* A face swapped to the picture mapped to its identity; with only others mapped, it is left alone. */
	obs_data_set_string(settings, "engine", "morph");
	obs_data_set_string(settings, "compositor", "cpu");
	obs_data_set_string(settings, "swap_unknown", "leave");
	obs_data_set_string(settings, "swap_identities", "Astronaut = " SOURCE_FACE "\nNobody = " SOURCE_FACE);
	update_and_read(filter, settings, async, 20, shown);
	struct diff swapped = compare(plain, shown);
	CHECK(swapped.inside_changed > swapped.inside_total / 4, "the mapped identity was not swapped (%d of %d bytes)",
	      swapped.inside_changed, swapped.inside_total);
	uint8_t *drawn = bmalloc((size_t)W * H * 4); /* the GPU compositor draws the run of faces per source too */
	obs_data_set_string(settings, "compositor", "gpu");
	update_and_read(filter, settings, async, 10, drawn);
	struct likeness mapped_alike = likeness(shown, drawn);
	/* The two reads take the results of different analysed frames, whose smoothed meshes differ by
	 * a fraction of a pixel: on a busy machine 214 bytes differed by over 8. A GPU compositor that
	 * did not draw the run of faces per source would differ by the whole swap (over 17000). */
	CHECK(mapped_alike.mean <= 0.5 && mapped_alike.over8 <= 1000,
	      "per-identity swap: the compositors differ (mean %.3f, %d bytes over 8)", mapped_alike.mean, mapped_alike.over8);
	bfree(drawn);
	obs_data_set_string(settings, "compositor", "cpu");
	obs_data_set_string(settings, "swap_identities", "Nobody = " SOURCE_FACE);
	update_and_read(filter, settings, async, 10, shown);
	struct diff left = compare(plain, shown);
	printf("per-identity swap: mapped %d of %d face bytes changed; unmapped (swap_unknown leave) %d\n",
	       swapped.inside_changed, swapped.inside_total, left.inside_changed);
	CHECK(left.inside_changed == 0 && left.outside_changed == 0, "an unmapped face was changed with swap_unknown leave (%d bytes)",
	      left.inside_changed);
	obs_data_release(settings);

	obs_set_output_source(0, NULL);
	obs_source_filter_remove(async, filter);
	obs_source_release(filter);
	obs_source_release(async);
	bfree(plain);
	bfree(shown);
	snprintf(command, sizeof(command), "rm -rf '%s'", dir);
	CHECK(system(command) == 0, "cleanup failed");
}

/* Fail-closed privacy in a real OBS: the very first frame after the filter is added, and the first
 * after a switch to privacy (not waiting for the worker), never show the face. */
static void check_fail_closed(void)
{
	uint8_t *plain = bmalloc((size_t)W * H * 4), *shown = bmalloc((size_t)W * H * 4);
	obs_source_t *async = shown_async_source("fail closed", plain);

	obs_source_t *filter = obs_source_create_private("aisp_face_filter", "aisp fail closed", NULL);
	obs_source_filter_add(async, filter);
	feed_async(async, VIDEO_FORMAT_BGRA);
	let_obs_run(40);
	read_back(async, shown);
	check_face_not_shown("first frame after the filter is added", plain, shown);

	set_engine(filter, "none");
	wait_updates(filter);
	feed_frames(async, 5, 40);
	read_back(async, shown);
	CHECK(same_picture(plain, shown), "engine none changed the picture");
	set_engine(filter, "privacy");
	feed_async(async, VIDEO_FORMAT_BGRA);
	let_obs_run(40);
	read_back(async, shown);
	check_face_not_shown("first frame after a switch to privacy", plain, shown);
	wait_updates(filter);
	for (int i = 0; i < 5; i++) {
		feed_async(async, VIDEO_FORMAT_BGRA);
		let_obs_run(40);
		read_back(async, shown);
		check_face_not_shown("frames after the switch", plain, shown);
	}

	obs_set_output_source(0, NULL);
	obs_source_filter_remove(async, filter);
	obs_source_release(filter);
	obs_source_release(async);
	bfree(plain);
	bfree(shown);
}

/* Where OBS's own search (its default module paths, as a system install is found) puts the module. */
struct found_module {
	char bin[1024], data[1024];
};

static void find_aisp_module(void *param, const struct obs_module_info2 *info)
{
	struct found_module *found = param;
	if (strcmp(info->name, "aisp") == 0) {
		snprintf(found->bin, sizeof(found->bin), "%s", info->bin_path);
		snprintf(found->data, sizeof(found->data), "%s", info->data_path);
	}
}

/* The async and GPU sources through the filter, its properties, status and log. */
static void check_basic(bool broken, bool no_core)
{
	obs_source_t *async = obs_source_create_private("aisp_test_async_source", "async", NULL);
	obs_source_set_async_unbuffered(async, true);
	obs_source_t *filter = obs_source_create_private("aisp_face_filter", "aisp async", NULL);
	CHECK(filter != NULL, "the filter could not be created");
	obs_source_filter_add(async, filter);
	obs_set_output_source(0, async);
	wait_updates(filter);
	check_properties(filter, !no_core);
	/* Broken: privacy (the default) cannot cover faces, so the filter draws nothing. */
	enum expect privacy = broken ? HIDDEN : FILTERED;
	check_filtered("async BGRA", async, filter, privacy, feed_async, VIDEO_FORMAT_BGRA);
	check_filtered("async I420", async, filter, privacy, feed_async, VIDEO_FORMAT_I420);
	/* A format the core does not read: its analysis copy comes from the rendered picture. */
	check_filtered("async YUY2", async, filter, privacy, feed_async, VIDEO_FORMAT_YUY2);

	/* Keep frames flowing past the status interval, then read the status text. */
	feed_frames(async, 40, 40);
	char status[1024];
	status_text(filter, status, sizeof(status));
	printf("status: %s\n", status);
	check_status_not_saved(filter);
	if (broken) {
		CHECK(strstr(status, "Error") != NULL, "a broken install must show an error, status '%s'", status);
		CHECK(strstr(status, "hidden") != NULL, "a broken install with privacy must say the source is hidden: '%s'", status);
		/* Any other engine of a broken install passes the source through. */
		set_engine(filter, "none");
		wait_updates(filter);
		check_filtered("broken, engine none", async, filter, UNCHANGED, feed_async, VIDEO_FORMAT_BGRA);
	} else {
		CHECK(strstr(status, "fps") && strstr(status, "1 face") && strstr(status, "on cpu"),
		      "status '%s' lacks fps, faces or provider", status);
		const char *share = strstr(status, "analysis ");
		int percent = -1;
		CHECK(share && sscanf(share, "analysis %d%% of a core", &percent) == 1 && percent >= 1 && percent <= 100,
		      "status '%s' lacks the analysis thread's share of a core", status);
		CHECK(aisp_log_lines > 0, "no [aisp] line reached the OBS log");
	}
	obs_set_output_source(0, NULL);
	obs_source_filter_remove(async, filter);
	obs_source_release(filter);
	obs_source_release(async);

	/* Synchronous GPU source: the video_render path. */
	obs_source_t *gpu = obs_source_create_private("aisp_test_gpu_source", "gpu", NULL);
	obs_source_t *gpu_filter = obs_source_create_private("aisp_face_filter", "aisp gpu", NULL);
	obs_source_filter_add(gpu, gpu_filter);
	obs_set_output_source(0, gpu);
	wait_updates(gpu_filter);
	check_filtered("GPU source", gpu, gpu_filter, privacy, NULL, 0);
	obs_set_output_source(0, NULL);
	obs_source_filter_remove(gpu, gpu_filter);
	obs_source_release(gpu_filter);
	obs_source_release(gpu);
}

static const char *plugins_dir;
static void check_library_scenario(void)
{
	check_face_library(plugins_dir);
}

/* One scenario a ctest (tests/obs/CMakeLists.txt); "working" runs them all, "broken" the basic one
 * against a broken install. */
static const struct {
	const char *name;
	void (*run)(void);
} scenarios[] = {
	{"fail_closed", check_fail_closed},
	{"fifo_source_picture", check_fifo_source_picture},
	{"face_library", check_library_scenario},
	{"switching", check_switching},
	{"compositors", check_compositors},
	{"background", check_background},
	{"auto_compositor", check_auto_compositor},
	{"large_gpu_source", check_large_gpu_source},
};
#define SCENARIO_COUNT (sizeof(scenarios) / sizeof(scenarios[0]))

static void usage(const char *program)
{
	fprintf(stderr, "usage: %s PLUGINS_DIR|system FRAMES_DIR [working|broken|nocore|basic", program);
	for (size_t i = 0; i < SCENARIO_COUNT; i++)
		fprintf(stderr, "|%s", scenarios[i].name);
	fprintf(stderr, "]\n  PLUGINS_DIR holds aisp/bin/64bit and aisp/data; system: where OBS's own search finds aisp\n");
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		usage(argv[0]);
		return 2;
	}
	const char *scenario = argc > 3 ? argv[3] : "working";
	/* nocore: broken, with the core itself missing (no settings schema either). */
	bool no_core = strcmp(scenario, "nocore") == 0;
	bool broken = no_core || strcmp(scenario, "broken") == 0;
	bool all = strcmp(scenario, "working") == 0;
	bool basic = broken || all || strcmp(scenario, "basic") == 0;
	bool known = basic;
	for (size_t i = 0; i < SCENARIO_COUNT; i++)
		known = known || strcmp(scenario, scenarios[i].name) == 0;
	if (!known) {
		usage(argv[0]);
		return 2;
	}
	plugins_dir = argv[1];
	photo_bgra = (uint8_t *)read_frame_file(argv[2], "astronaut_512x512.bgra", (size_t)W * H * 4);
	photo_i420 = (uint8_t *)read_frame_file(argv[2], "astronaut_512x512.i420", (size_t)W * H * 3 / 2);
	photo_yuy2 = to_yuy2(photo_bgra);

	base_set_log_handler(log_handler, NULL);
	obs_set_nix_platform(OBS_NIX_PLATFORM_X11_EGL);
	Display *display = XOpenDisplay(NULL);
	if (!display) {
		fprintf(stderr, "no X display: run under xvfb-run\n");
		return 2;
	}
	obs_set_nix_platform_display(display);
	if (!obs_startup("en-US", NULL, NULL)) {
		fprintf(stderr, "obs_startup failed\n");
		return 2;
	}
	struct obs_video_info ovi = {
		.graphics_module = "libobs-opengl", .fps_num = 30, .fps_den = 1,
		.base_width = W, .base_height = H, .output_width = W, .output_height = H,
		.output_format = VIDEO_FORMAT_BGRA, .gpu_conversion = true,
		.colorspace = VIDEO_CS_709, .range = VIDEO_RANGE_FULL, .scale_type = OBS_SCALE_BICUBIC,
	};
	if (obs_reset_video(&ovi) != OBS_VIDEO_SUCCESS) {
		fprintf(stderr, "obs_reset_video failed\n");
		return 2;
	}
	struct obs_audio_info oai = {.samples_per_sec = 48000, .speakers = SPEAKERS_STEREO};
	obs_reset_audio(&oai);
	obs_register_source(&gpu_source_info);
	obs_register_source(&async_source_info);
	obs_register_source(&big_source_info);

	struct found_module found = {0};
	if (strcmp(plugins_dir, "system") == 0) {
		obs_find_modules2(find_aisp_module, &found);
		CHECK(found.bin[0] != '\0', "OBS's module search did not find aisp");
		printf("OBS found aisp at %s (data %s)\n", found.bin, found.data);
	} else {
		snprintf(found.bin, sizeof(found.bin), "%s/aisp/bin/64bit/aisp.so", plugins_dir);
		snprintf(found.data, sizeof(found.data), "%s/aisp/data", plugins_dir);
	}
	snprintf(core_dir, sizeof(core_dir), "%s", found.bin);
	snprintf(module_path, sizeof(module_path), "%s", found.bin);
	if (strrchr(core_dir, '/'))
		*strrchr(core_dir, '/') = '\0';
	obs_module_t *module = NULL;
	CHECK(obs_open_module(&module, found.bin, found.data) == MODULE_SUCCESS, "obs_open_module(%s) failed", found.bin);
	CHECK(module && obs_init_module(module), "obs_init_module failed");
	obs_post_load_modules();

	if (module && basic)
		check_basic(broken, no_core);
	for (size_t i = 0; module && !broken && i < SCENARIO_COUNT; i++) {
		if (all || strcmp(scenario, scenarios[i].name) == 0)
			scenarios[i].run();
	}

	obs_shutdown();
	long leaks = bnum_allocs();
	CHECK(leaks == 0, "libobs reports %ld allocations alive after shutdown", leaks);
	XCloseDisplay(display);
	free(photo_bgra);
	free(photo_i420);
	free(photo_yuy2);
	printf("obs_headless_test (%s): %d checks, %d failures\n", scenario, checks, failures);
	return failures ? 1 : 0;
}
