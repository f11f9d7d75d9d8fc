/* Benchmark harness in a real headless OBS: runs the installed AISP plugin on an async source fed
 * at 30 fps for 600 frames per configuration and resolution, and prints a markdown table:
 * OBS's own average graphics-thread frame time, lagged frames, the time AISP spends on the
 * graphics thread per frame (its hand-off and compositing, p50/p99 from the core's statistics),
 * analysis figures, process CPU and memory. Configurations: no filter, a trivial pass-through
 * filter (the baseline), AISP privacy and morph with the GPU and the CPU compositor, and privacy
 * on a synchronous (GPU-drawn) source, whose analysis copy is downscaled and staged on the GPU.
 * Usage: obs_bench PLUGINS_DIR FRAMES_DIR [frames] */
#include <obs.h>
#include <obs-module.h>
#include <obs-nix-platform.h>
#include <util/bmem.h>
#include <util/platform.h>
#include <util/threading.h>
#include <X11/Xlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "aisp.h"
#include "check.h"
#include "texture_source.h"

#define SOURCE_FACE "/usr/share/doc/facedetect/examples/grace_hopper_512x512.jpg"

static uint8_t *photo; /* astronaut 512x512 BGRA */
static uint8_t *frame_pixels;
static uint32_t fw, fh;

static void quiet_log(int level, const char *format, va_list args, void *param)
{
	(void)param;
	if (level <= LOG_ERROR)
		vfprintf(stderr, format, args), fputc('\n', stderr);
}

static const char *async_name(void *u) { (void)u; return "bench async"; }
static void *async_create(obs_data_t *s, obs_source_t *src) { (void)s; return src; }
static void async_destroy(void *d) { (void)d; }
static struct obs_source_info async_info = {
	.id = "bench_async", .type = OBS_SOURCE_TYPE_INPUT, .output_flags = OBS_SOURCE_ASYNC_VIDEO,
	.get_name = async_name, .create = async_create, .destroy = async_destroy,
};

/* A synchronous source drawing the same picture from a texture (a game or browser capture). */
static const char *sync_name(void *u) { (void)u; return "bench sync"; }
static void *sync_create(obs_data_t *s, obs_source_t *src)
{
	(void)s, (void)src;
	return texture_source_new(frame_pixels, fw, fh);
}
static struct obs_source_info sync_info = {
	.id = "bench_sync", .get_name = sync_name, .create = sync_create, TEXTURE_SOURCE_INFO,
};

/* The baseline: a filter that does nothing but take part in the chain. */
static const char *pass_name(void *u) { (void)u; return "pass-through"; }
static void *pass_create(obs_data_t *s, obs_source_t *src) { (void)s; return src; }
static void pass_destroy(void *d) { (void)d; }
static struct obs_source_frame *pass_video(void *d, struct obs_source_frame *f) { (void)d; return f; }
static void pass_render(void *d, gs_effect_t *e) { (void)e; obs_source_skip_video_filter(d); }
static struct obs_source_info pass_info = {
	.id = "bench_pass_through", .type = OBS_SOURCE_TYPE_FILTER, .output_flags = OBS_SOURCE_VIDEO,
	.get_name = pass_name, .create = pass_create, .destroy = pass_destroy,
	.filter_video = pass_video, .video_render = pass_render,
};

/* The photo on a grey background: scaled to 60 % of the frame height (her face is then about an
 * eighth of it), or with "large" zoomed about her face (172-270 x 72-184 in the photo) until the
 * face is a third of the frame height, the close-up a webcam gives. */
static void compose(bool large)
{
	double scale = large ? fh / 3.0 / 112.0 : fh * 0.6 / 512.0;
	double cx = large ? 221.0 : 256.0, cy = large ? 128.0 : 256.0;
	for (uint32_t y = 0; y < fh; y++)
		for (uint32_t x = 0; x < fw; x++) {
			uint8_t *p = frame_pixels + ((size_t)y * fw + x) * 4;
			double sx = cx + (x - fw / 2.0) / scale, sy = cy + (y - fh / 2.0) / scale;
			if (sx >= 0 && sx < 512 && sy >= 0 && sy < 512)
				memcpy(p, photo + ((size_t)sy * 512 + (size_t)sx) * 4, 4);
			else
				p[0] = p[1] = p[2] = 90, p[3] = 255;
		}
}

struct run {
	double avg_frame_ms, aisp_p50, aisp_p99, detect_p50, age_ms, cpu_pct, rss_mb;
	uint32_t lagged, total;
	uint64_t analysed, dropped;
	int quality;
};

static double rss_mb(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static struct run run_config(const char *filter_id, const char *engine, const char *compositor, const char *background,
			     bool sync, int frames)
{
	struct run r = {0};
	obs_source_t *src = obs_source_create_private(sync ? "bench_sync" : "bench_async", "bench", NULL);
	if (!sync)
		obs_source_set_async_unbuffered(src, true);
	obs_source_t *filter = NULL;
	if (filter_id) {
		obs_data_t *s = obs_data_create();
		if (engine) {
			obs_data_set_string(s, "engine", engine);
			obs_data_set_string(s, "source_image", SOURCE_FACE);
			obs_data_set_string(s, "compositor", compositor);
			obs_data_set_string(s, "background", background ? background : "none");
		}
		filter = obs_source_create_private(filter_id, "filter", s);
		obs_data_release(s);
		obs_source_filter_add(src, filter);
		if (engine) {
			calldata_t cd = {0};
			proc_handler_call(obs_source_get_proc_handler(filter), "aisp_wait_updates", &cd);
			calldata_free(&cd);
		}
	}
	obs_set_output_source(0, src);

	struct obs_source_frame frame = {.width = fw, .height = fh, .format = VIDEO_FORMAT_BGRA, .full_range = true};
	frame.data[0] = frame_pixels;
	frame.linesize[0] = fw * 4;
	const uint64_t interval = 33333333;
	uint64_t next = os_gettime_ns();
	uint32_t total0 = 0, lagged0 = 0;
	double cpu0 = 0, wall0 = 0;
	for (int i = 0; i < frames + 60; i++) {
		if (i == 60) { /* warm-up done */
			total0 = obs_get_total_frames();
			lagged0 = obs_get_lagged_frames();
			cpu0 = cpu_seconds();
			wall0 = os_gettime_ns() / 1e9;
		}
		frame.timestamp = next;
		if (!sync)
			obs_source_output_video(src, &frame);
		next += interval;
		uint64_t now = os_gettime_ns();
		if (next > now)
			os_sleepto_ns(next);
	}
	r.total = obs_get_total_frames() - total0;
	r.lagged = obs_get_lagged_frames() - lagged0;
	r.avg_frame_ms = obs_get_average_frame_time_ns() / 1e6;
	r.cpu_pct = (cpu_seconds() - cpu0) / (os_gettime_ns() / 1e9 - wall0) * 100.0;
	r.rss_mb = rss_mb();
	if (engine) {
		aisp_stats stats = {.struct_size = sizeof(aisp_stats)};
		calldata_t cd = {0};
		calldata_set_ptr(&cd, "stats", &stats);
		proc_handler_call(obs_source_get_proc_handler(filter), "aisp_get_stats", &cd);
		CHECK(calldata_bool(&cd, "ok"), "%s: no statistics", engine);
		calldata_free(&cd);
		r.aisp_p50 = stats.stages[AISP_STAGE_TOTAL].p50_ms;
		r.aisp_p99 = stats.stages[AISP_STAGE_TOTAL].p99_ms;
		r.detect_p50 = stats.stages[AISP_STAGE_DETECT].p50_ms;
		r.age_ms = stats.result_age_ms;
		r.analysed = stats.frames_analysed;
		r.dropped = stats.frames_dropped;
		r.quality = stats.quality;
		CHECK(strcmp(engine, "none") == 0 || stats.faces_last_frame == 1, "%s: %u faces", engine, stats.faces_last_frame); /* "none" finds no faces: it only runs the background */
	}
	obs_set_output_source(0, NULL);
	if (filter) {
		obs_source_filter_remove(src, filter);
		obs_source_release(filter);
	}
	obs_source_release(src);
	return r;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s PLUGINS_DIR FRAMES_DIR [frames]\n", argv[0]);
		return 2;
	}
	int frames = argc > 3 ? atoi(argv[3]) : 600;
	photo = (uint8_t *)read_frame_file(argv[2], "astronaut_512x512.bgra", 512 * 512 * 4);
	base_set_log_handler(quiet_log, NULL);
	obs_set_nix_platform(OBS_NIX_PLATFORM_X11_EGL);
	Display *display = XOpenDisplay(NULL);
	if (!display)
		return 2;
	obs_set_nix_platform_display(display);
	if (!obs_startup("en-US", NULL, NULL))
		return 2;
	struct obs_audio_info oai = {.samples_per_sec = 48000, .speakers = SPEAKERS_STEREO};
	obs_reset_audio(&oai);
	obs_register_source(&async_info);
	obs_register_source(&pass_info);
	obs_register_source(&sync_info);

	static const uint32_t sizes[][2] = {{640, 360}, {1280, 720}};
	size_t first_size = getenv("AISP_BENCH_720_ONLY") ? 1 : 0;
	bool loaded = false;
	printf("| resolution | configuration | OBS avg frame (ms) | lagged / frames | AISP on graphics thread p50 / p99 (ms) | detect p50 (ms) | result age (ms) | analysed / dropped | quality | process CPU (%% of a core) | RSS (MB) |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (size_t s = first_size; s < 2; s++) {
		fw = sizes[s][0], fh = sizes[s][1];
		struct obs_video_info ovi = {.graphics_module = "libobs-opengl", .fps_num = 30, .fps_den = 1,
					     .base_width = fw, .base_height = fh, .output_width = fw, .output_height = fh,
					     .output_format = VIDEO_FORMAT_BGRA, .gpu_conversion = true,
					     .colorspace = VIDEO_CS_709, .range = VIDEO_RANGE_FULL, .scale_type = OBS_SCALE_BICUBIC};
		if (obs_reset_video(&ovi) != OBS_VIDEO_SUCCESS)
			return 2;
		if (!loaded) {
			char bin[1024], data[1024];
			snprintf(bin, sizeof(bin), "%s/aisp/bin/64bit/aisp.so", argv[1]);
			snprintf(data, sizeof(data), "%s/aisp/data", argv[1]);
			obs_module_t *module = NULL;
			if (obs_open_module(&module, bin, data) != MODULE_SUCCESS || !obs_init_module(module))
				return 2;
			obs_post_load_modules();
			loaded = true;
		}
		frame_pixels = bmalloc((size_t)fw * fh * 4);
		struct {
			const char *name, *filter, *engine, *compositor, *background;
			bool sync, large;
		} configs[] = {{"no filter", NULL, NULL, NULL, NULL, false, false},
			       {"pass-through filter", "bench_pass_through", NULL, NULL, NULL, false, false},
			       {"AISP privacy, auto compositor", "aisp_face_filter", "privacy", "auto", NULL, false, false},
			       {"AISP privacy, GPU compositor", "aisp_face_filter", "privacy", "gpu", NULL, false, false},
			       {"AISP privacy, CPU compositor", "aisp_face_filter", "privacy", "cpu", NULL, false, false},
			       {"AISP morph, GPU compositor", "aisp_face_filter", "morph", "gpu", NULL, false, false},
			       {"AISP morph, CPU compositor", "aisp_face_filter", "morph", "cpu", NULL, false, false},
			       {"AISP AR (glasses, retouch), GPU compositor", "aisp_face_filter", "ar", "gpu", NULL, false, false},
			       {"AISP AR (glasses, retouch), CPU compositor", "aisp_face_filter", "ar", "cpu", NULL, false, false},
			       {"background blur (engine none), GPU compositor", "aisp_face_filter", "none", "gpu", "blur", false, false},
			       {"background blur (engine none), CPU compositor", "aisp_face_filter", "none", "cpu", "blur", false, false},
			       {"background transparent (engine none), GPU compositor", "aisp_face_filter", "none", "gpu", "transparent", false, false},
			       {"background blur + privacy, CPU compositor", "aisp_face_filter", "privacy", "cpu", "blur", false, false},
			       {"large face (1/3 of the height), no filter", NULL, NULL, NULL, NULL, false, true},
			       {"large face, AISP morph, GPU compositor", "aisp_face_filter", "morph", "gpu", NULL, false, true},
			       {"large face, AISP morph, CPU compositor", "aisp_face_filter", "morph", "cpu", NULL, false, true},
			       {"GPU-drawn source, no filter", NULL, NULL, NULL, NULL, true, false},
			       {"GPU-drawn source, AISP privacy, GPU compositor", "aisp_face_filter", "privacy", "gpu", NULL, true, false},
			       {"GPU-drawn source, AISP privacy, CPU compositor", "aisp_face_filter", "privacy", "cpu", NULL, true, false},
			       {"GPU-drawn source, background blur, GPU compositor", "aisp_face_filter", "none", "gpu", "blur", true, false}};
		for (size_t c = 0; c < sizeof(configs) / sizeof(configs[0]); c++) {
			if (configs[c].large && fh < 720)
				continue; /* the close-up is measured where it costs most */
			if (getenv("AISP_BENCH_ONLY") && !strstr(configs[c].name, getenv("AISP_BENCH_ONLY")))
				continue; /* a quick look at some rows: AISP_BENCH_ONLY=background */
			compose(configs[c].large);
			struct run r = run_config(configs[c].filter, configs[c].engine, configs[c].compositor, configs[c].background,
						  configs[c].sync, frames);
			static const char *levels[] = {"quality", "balanced", "performance"};
			if (configs[c].engine)
				printf("| %ux%u | %s | %.2f | %u / %u | %.2f / %.2f | %.1f | %.0f | %llu / %llu | %s | %.0f | %.0f |\n", fw,
				       fh, configs[c].name, r.avg_frame_ms, r.lagged, r.total, r.aisp_p50, r.aisp_p99,
				       r.detect_p50, r.age_ms, (unsigned long long)r.analysed,
				       (unsigned long long)r.dropped, levels[r.quality % 3], r.cpu_pct, r.rss_mb);
			else
				printf("| %ux%u | %s | %.2f | %u / %u | - | - | - | - | - | %.0f | %.0f |\n", fw, fh,
				       configs[c].name, r.avg_frame_ms, r.lagged, r.total, r.cpu_pct, r.rss_mb);
			fflush(stdout);
		}
		bfree(frame_pixels);
	}
	obs_shutdown();
	XCloseDisplay(display);
	free(photo);
	return failures ? 1 : 0;
}
