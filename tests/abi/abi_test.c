/* Drives every export of the published NativeAOT core through the C ABI, as the OBS plugin
 * does: real photo frames, every bad input the header promises to reject, and the promise
 * that a rejected or failed frame is left byte-for-byte untouched.
 * Usage: abi_test CORE_SO MODELS_DIR FRAMES_DIR */
#include <dlfcn.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#include "aisp.h"


static struct {
	uint32_t (*abi_version)(void);
	uint32_t (*last_error)(char *, uint32_t);
	aisp_status (*set_log_callback)(aisp_log_callback, void *, int32_t);
	aisp_status (*create)(const char *, aisp_instance **);
	aisp_status (*update)(aisp_instance *, const char *);
	aisp_status (*process_frame)(aisp_instance *, const aisp_frame *);
	aisp_status (*set_source_image)(aisp_instance *, const aisp_frame *, const char *);
	aisp_status (*set_identity_source)(aisp_instance *, const char *, const aisp_frame *, const char *);
	aisp_status (*render)(aisp_instance *, const aisp_gpu_frame *);
	aisp_status (*get_stats)(aisp_instance *, aisp_stats *);
	aisp_status (*validate_settings)(const char *);
	aisp_status (*check_remote_settings)(const char *, const char *);
	uint32_t (*next_event)(aisp_instance *, char *, uint32_t);
	aisp_status (*set_paused)(aisp_instance *, int32_t);
	uint32_t (*suggest)(const char *, const char *, char *, uint32_t);
	uint32_t (*settings_schema)(char *, uint32_t);
	uint32_t (*status_json)(aisp_instance *, char *, uint32_t);
	uint32_t (*identity_mappings)(const char *, char *, uint32_t);
	void (*destroy)(aisp_instance *);
} core;

static int log_lines;
static char last_log[1024];
static void on_log(void *user, int32_t level, const char *message)
{
	(void)level;
	(*(int *)user)++;
	snprintf(last_log, sizeof(last_log), "%s", message);
}

static const char *error_text(void)
{
	static char buffer[AISP_ERROR_CAPACITY];
	core.last_error(buffer, sizeof(buffer));
	return buffer;
}

/* Hand-measured face of astronaut.png and a generous margin that padding never exceeds. */
enum { W = 512, H = 512, FACE_L = 172, FACE_T = 72, FACE_R = 270, FACE_B = 184 };
static int outside_margin(int x, int y)
{
	return x < FACE_L - 45 || x > FACE_R + 45 || y < FACE_T - 50 || y > FACE_B + 50;
}

/* Counts changed bytes of a plane inside the face box and outside the margin. */
static void diff_plane(const uint8_t *before, const uint8_t *after, int w, int h, int bpp, int scale, int *inside,
		       int *inside_total, int *outside)
{
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			for (int b = 0; b < bpp && b < 3; b++) {
				size_t i = ((size_t)y * w + x) * bpp + b;
				int fx = x * scale, fy = y * scale;
				int changed = before[i] != after[i];
				if (fx >= FACE_L && fx < FACE_R && fy >= FACE_T && fy < FACE_B) {
					(*inside_total)++;
					*inside += changed;
				} else if (outside_margin(fx, fy)) {
					*outside += changed;
				}
			}
}

static aisp_frame bgra_frame(uint8_t *pixels)
{
	aisp_frame f = {.struct_size = sizeof(aisp_frame), .format = AISP_PIXEL_FORMAT_BGRA, .width = W, .height = H};
	f.planes[0] = pixels;
	f.strides[0] = W * 4;
	f.color_range = AISP_COLOR_RANGE_FULL;
	return f;
}

static void test_bad_frames(aisp_instance *inst, uint8_t *pixels, size_t size)
{
	uint8_t *copy = malloc(size);
	memcpy(copy, pixels, size);
	aisp_stats before = {.struct_size = sizeof(aisp_stats)}, after = {.struct_size = sizeof(aisp_stats)};
	core.get_stats(inst, &before);

	struct {
		const char *what;
		aisp_frame frame;
		aisp_status expected;
		const char *message;
	} cases[16];
	int n = 0;
	aisp_frame good = bgra_frame(pixels);
#define CASE(desc, status, text, mutate)                                                         \
	do {                                                                                     \
		cases[n].what = desc;                                                            \
		cases[n].frame = good;                                                           \
		{                                                                                \
			aisp_frame *f = &cases[n].frame;                                         \
			mutate;                                                                  \
		}                                                                                \
		cases[n].expected = status;                                                      \
		cases[n].message = text;                                                         \
		n++;                                                                             \
	} while (0)
	CASE("null plane", AISP_ERR_INVALID_FRAME, "plane 0", f->planes[0] = NULL);
	CASE("zero width", AISP_ERR_INVALID_FRAME, "outside", f->width = 0);
	CASE("zero height", AISP_ERR_INVALID_FRAME, "outside", f->height = 0);
	CASE("absurd width", AISP_ERR_INVALID_FRAME, "outside", f->width = 100000);
	CASE("absurd height", AISP_ERR_INVALID_FRAME, "outside", f->height = 4000000000u);
	CASE("short stride", AISP_ERR_INVALID_FRAME, "stride", f->strides[0] = W * 4 - 1);
	CASE("absurd stride", AISP_ERR_INVALID_FRAME, "stride", f->strides[0] = 0x7fffffff);
	CASE("unknown format", AISP_ERR_INVALID_FRAME, "not supported", f->format = 99);
	CASE("format 0", AISP_ERR_INVALID_FRAME, "not supported", f->format = AISP_PIXEL_FORMAT_UNKNOWN);
	CASE("I420 without chroma", AISP_ERR_INVALID_FRAME, "plane 1", f->format = AISP_PIXEL_FORMAT_I420;
	     f->strides[0] = W);
	CASE("old struct_size", AISP_ERR_ABI_MISMATCH, "struct_size", f->struct_size = 8);
	CASE("unknown color_matrix", AISP_ERR_INVALID_FRAME, "color_matrix 7", f->color_matrix = 7);
	CASE("unknown color_range", AISP_ERR_INVALID_FRAME, "color_range -1", f->color_range = -1);
#undef CASE
	for (int i = 0; i < n; i++) {
		aisp_status s = core.process_frame(inst, &cases[i].frame);
		CHECK(s == cases[i].expected, "%s: status %d, expected %d", cases[i].what, s, cases[i].expected);
		CHECK(strstr(error_text(), cases[i].message) != NULL, "%s: message '%s' lacks '%s'", cases[i].what,
		      error_text(), cases[i].message);
		CHECK(memcmp(copy, pixels, size) == 0, "%s: the frame was modified", cases[i].what);
	}
	CHECK(core.process_frame(inst, NULL) == AISP_ERR_INVALID_FRAME, "null frame accepted");
	CHECK(memcmp(copy, pixels, size) == 0, "null frame: pixels modified");

	core.get_stats(inst, &after);
	CHECK(after.frames_failed == before.frames_failed + (uint64_t)n + 1, "frames_failed %llu, expected %llu",
	      (unsigned long long)after.frames_failed, (unsigned long long)(before.frames_failed + n + 1));
	CHECK(after.frames_processed == before.frames_processed, "rejected frames were counted as processed");
	CHECK(after.last_error[0] != '\0', "stats.last_error is empty after failures");
	CHECK(after.last_error_code == AISP_ERR_INVALID_FRAME, "stats.last_error_code %d", after.last_error_code);
	free(copy);
}

/* A struct of `size` bytes that ends exactly where a PROT_NONE page begins: reading one byte past
 * its struct_size faults, as an older caller's shorter struct would. */
static void *at_guard_page(size_t size, void **mapping)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap failed");
	mprotect(p + page, page, PROT_NONE);
	*mapping = p;
	memset(p + page - size, 0, size);
	return p + page - size;
}

/* Every struct of the ABI with a short struct_size: the core reads nothing past it (the struct
 * sits against a guard page) and answers AISP_ERR_ABI_MISMATCH. */
static void test_short_structs(aisp_instance *inst)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *mapping;
	aisp_gpu_frame *gpu = at_guard_page(8, &mapping);
	gpu->struct_size = 8;
	CHECK(core.render(inst, gpu) == AISP_ERR_ABI_MISMATCH, "short aisp_gpu_frame: %s", error_text());
	munmap(mapping, 2 * page);

	aisp_frame *frame = at_guard_page(8, &mapping);
	frame->struct_size = 8;
	frame->format = AISP_PIXEL_FORMAT_BGRA;
	CHECK(core.process_frame(inst, frame) == AISP_ERR_ABI_MISMATCH, "short aisp_frame: %s", error_text());
	CHECK(core.set_source_image(inst, frame, "short") == AISP_ERR_ABI_MISMATCH, "short source picture: %s", error_text());
	CHECK(core.set_identity_source(inst, "Short", frame, "short") == AISP_ERR_ABI_MISMATCH, "short identity picture: %s",
	      error_text());
	munmap(mapping, 2 * page);

	aisp_stats *stats = at_guard_page(16, &mapping);
	stats->struct_size = 16;
	CHECK(core.get_stats(inst, stats) == AISP_ERR_ABI_MISMATCH, "short aisp_stats: %s", error_text());
	munmap(mapping, 2 * page);
}

/* Settings the fuzzer found: each is a settings error, counted in the statistics. */
static void test_bad_settings(aisp_instance *inst)
{
	aisp_stats before = {.struct_size = sizeof(aisp_stats)}, after = {.struct_size = sizeof(aisp_stats)};
	core.get_stats(inst, &before);
	static const char *bad[] = {"\v", "\f\f", "{\"engine\":\"\\ud800\"}", "{\"threads\":17}", "{\"threads\":64}"};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		CHECK(core.update(inst, bad[k]) == AISP_ERR_INVALID_SETTINGS, "settings case %zu: %s", k, error_text());
	core.get_stats(inst, &after);
	CHECK(after.errors == before.errors + 5, "errors %llu, expected %llu", (unsigned long long)after.errors,
	      (unsigned long long)before.errors + 5);
	CHECK(after.last_error_code == AISP_ERR_INVALID_SETTINGS, "last_error_code %d", after.last_error_code);
	CHECK(strstr(after.last_error, "'threads' is 64") != NULL, "last_error '%s'", after.last_error);
}

static void test_real_frames(aisp_instance *inst, const char *frames)
{
	/* BGRA: face pixelated, margin untouched. */
	uint8_t *bgra = (uint8_t *)read_frame_file(frames, "astronaut_512x512.bgra", W * H * 4);
	uint8_t *orig = malloc(W * H * 4);
	memcpy(orig, bgra, W * H * 4);
	aisp_frame f = bgra_frame(bgra);
	CHECK(core.process_frame(inst, &f) == AISP_OK, "BGRA frame failed: %s", error_text());
	aisp_stats s = {.struct_size = sizeof(aisp_stats)};
	CHECK(core.get_stats(inst, &s) == AISP_OK, "get_stats failed: %s", error_text());
	CHECK(s.faces_last_frame == 1, "BGRA: %u faces, expected 1", s.faces_last_frame);
	char status[4096];
	CHECK(core.status_json(inst, status, sizeof(status)) > 0 && strstr(status, "\"faces\":1,") && strstr(status, "\"state\":") &&
		      strstr(status, "\"detect\":{\"last_ms\":"),
	      "status JSON after a BGRA frame: '%s'", status);
	int in = 0, total = 0, out = 0;
	diff_plane(orig, bgra, W, H, 4, 1, &in, &total, &out);
	CHECK(in > total / 2, "BGRA: only %d of %d face bytes changed", in, total);
	CHECK(out == 0, "BGRA: %d bytes changed outside the face margin", out);
	for (size_t i = 3; i < (size_t)W * H * 4; i += 4)
		if (bgra[i] != orig[i]) {
			CHECK(0, "BGRA: alpha changed at byte %zu", i);
			break;
		}
	CHECK(s.stages[AISP_STAGE_DETECT].last_ms > 0, "detect latency not recorded");
	CHECK(s.stages[AISP_STAGE_TOTAL].last_ms >= s.stages[AISP_STAGE_DETECT].last_ms, "total < detect");
	CHECK(strcmp(s.execution_provider, "cpu") == 0 || strcmp(s.execution_provider, "cuda") == 0,
	      "execution provider '%s'", s.execution_provider);
	CHECK(strcmp(s.engine, "privacy") == 0, "engine '%s'", s.engine);

	/* Passing the same BGRX buffer with a padded stride: the core must honour the stride. */
	uint8_t *padded = calloc((size_t)H, W * 4 + 64);
	uint8_t *padded_orig = calloc((size_t)H, W * 4 + 64);
	for (int y = 0; y < H; y++)
		memcpy(padded + (size_t)y * (W * 4 + 64), orig + (size_t)y * W * 4, W * 4);
	memcpy(padded_orig, padded, (size_t)H * (W * 4 + 64));
	aisp_frame p = bgra_frame(padded);
	p.format = AISP_PIXEL_FORMAT_BGRX;
	p.strides[0] = W * 4 + 64;
	CHECK(core.process_frame(inst, &p) == AISP_OK, "padded BGRX failed: %s", error_text());
	int pad_changed = 0;
	for (int y = 0; y < H; y++)
		pad_changed += memcmp(padded + (size_t)y * (W * 4 + 64) + W * 4,
				      padded_orig + (size_t)y * (W * 4 + 64) + W * 4, 64) != 0;
	CHECK(pad_changed == 0, "BGRX: %d rows had their stride padding written", pad_changed);
	CHECK(memcmp(padded, padded_orig, (size_t)H * (W * 4 + 64)) != 0, "BGRX: nothing changed");

	/* I420 and NV12 built from it: worked on in place, per plane. */
	size_t yuv_size = W * H * 3 / 2;
	uint8_t *i420 = (uint8_t *)read_frame_file(frames, "astronaut_512x512.i420", yuv_size);
	uint8_t *i420_orig = malloc(yuv_size);
	memcpy(i420_orig, i420, yuv_size);
	aisp_frame y = {.struct_size = sizeof(aisp_frame), .format = AISP_PIXEL_FORMAT_I420, .width = W, .height = H,
			.color_matrix = AISP_COLOR_MATRIX_BT601, .color_range = AISP_COLOR_RANGE_FULL};
	y.planes[0] = i420;
	y.planes[1] = i420 + W * H;
	y.planes[2] = i420 + W * H * 5 / 4;
	y.strides[0] = W;
	y.strides[1] = y.strides[2] = W / 2;
	CHECK(core.process_frame(inst, &y) == AISP_OK, "I420 failed: %s", error_text());
	core.get_stats(inst, &s);
	CHECK(s.faces_last_frame == 1, "I420: %u faces", s.faces_last_frame);
	in = total = out = 0;
	diff_plane(i420_orig, i420, W, H, 1, 1, &in, &total, &out);
	diff_plane(i420_orig + W * H, i420 + W * H, W / 2, H / 2, 1, 2, &in, &total, &out);
	diff_plane(i420_orig + W * H * 5 / 4, i420 + W * H * 5 / 4, W / 2, H / 2, 1, 2, &in, &total, &out);
	CHECK(in > total / 3, "I420: only %d of %d face bytes changed", in, total);
	CHECK(out == 0, "I420: %d bytes changed outside the face margin", out);

	uint8_t *nv12 = malloc(yuv_size), *nv12_orig = malloc(yuv_size);
	memcpy(nv12, i420_orig, W * H);
	for (int i = 0; i < W * H / 4; i++) {
		nv12[W * H + 2 * i] = i420_orig[W * H + i];
		nv12[W * H + 2 * i + 1] = i420_orig[W * H * 5 / 4 + i];
	}
	memcpy(nv12_orig, nv12, yuv_size);
	aisp_frame v = y;
	v.format = AISP_PIXEL_FORMAT_NV12;
	v.planes[0] = nv12;
	v.planes[1] = nv12 + W * H;
	v.planes[2] = NULL;
	v.strides[1] = W;
	v.strides[2] = 0;
	CHECK(core.process_frame(inst, &v) == AISP_OK, "NV12 failed: %s", error_text());
	in = total = out = 0;
	diff_plane(nv12_orig, nv12, W, H, 1, 1, &in, &total, &out);
	diff_plane(nv12_orig + W * H, nv12 + W * H, W / 2, H / 2, 2, 2, &in, &total, &out);
	CHECK(in > total / 3, "NV12: only %d of %d face bytes changed", in, total);
	CHECK(out == 0, "NV12: %d bytes changed outside the face margin", out);

	/* A photo without a face stays byte-identical. */
	size_t ice_size = 640 * 426 * 4;
	uint8_t *ice = (uint8_t *)read_frame_file(frames, "ice_640x426.bgra", ice_size);
	uint8_t *ice_orig = malloc(ice_size);
	memcpy(ice_orig, ice, ice_size);
	aisp_frame i = {.struct_size = sizeof(aisp_frame), .format = AISP_PIXEL_FORMAT_BGRA, .width = 640, .height = 426};
	i.planes[0] = ice;
	i.strides[0] = 640 * 4;
	CHECK(core.process_frame(inst, &i) == AISP_OK, "ice frame failed: %s", error_text());
	core.get_stats(inst, &s);
	CHECK(s.faces_last_frame == 0, "ice: %u faces", s.faces_last_frame);
	CHECK(memcmp(ice, ice_orig, ice_size) == 0, "ice: a face-free frame was modified");

	test_bad_frames(inst, orig, W * H * 4);
	test_short_structs(inst);
	test_bad_settings(inst);

	/* Settings: a bad update keeps the old settings; engine none passes frames through. */
	CHECK(core.update(inst, "{\"privacy_mode\":\"smudge\"}") == AISP_ERR_INVALID_SETTINGS, "bad update accepted");
	CHECK(strstr(error_text(), "smudge") != NULL, "update error '%s'", error_text());
	memcpy(bgra, orig, W * H * 4);
	CHECK(core.process_frame(inst, &f) == AISP_OK, "frame after a bad update failed: %s", error_text());
	CHECK(memcmp(bgra, orig, W * H * 4) != 0, "the previous settings were lost after a bad update");
	CHECK(core.update(inst, "{\"engine\":\"none\"}") == AISP_OK, "engine none: %s", error_text());
	memcpy(bgra, orig, W * H * 4);
	CHECK(core.process_frame(inst, &f) == AISP_OK, "engine none failed: %s", error_text());
	CHECK(memcmp(bgra, orig, W * H * 4) == 0, "engine none modified the frame");
	core.get_stats(inst, &s);
	CHECK(strcmp(s.engine, "none") == 0, "engine after update '%s'", s.engine);
	CHECK(s.last_error[0] == '\0', "a good update must clear the status error, got '%s'", s.last_error);

	/* Source face: a photo without a face is refused, the morph engine then passes through and says
	 * why; with the astronaut as source, the morph engine changes the face and only the face. */
	aisp_frame ice_frame = i;
	memcpy(ice, ice_orig, ice_size);
	CHECK(core.update(inst, "{\"engine\":\"morph\"}") == AISP_OK, "engine morph: %s", error_text());
	CHECK(core.set_source_image(inst, &ice_frame, "ice.jpg") == AISP_ERR_SOURCE_IMAGE, "a face-free source accepted");
	CHECK(strstr(error_text(), "ice.jpg has no face") != NULL, "source error '%s'", error_text());
	CHECK(memcmp(ice, ice_orig, ice_size) == 0, "set_source_image modified the caller's picture");
	memcpy(bgra, orig, W * H * 4);
	CHECK(core.process_frame(inst, &f) == AISP_OK, "morph without source failed: %s", error_text());
	CHECK(memcmp(bgra, orig, W * H * 4) == 0, "morph without a source face modified the frame");
	core.get_stats(inst, &s);
	CHECK(strstr(s.notice, "no source face") != NULL, "notice '%s'", s.notice);
	CHECK(core.set_source_image(inst, NULL, "x") == AISP_ERR_INVALID_FRAME, "null source picture accepted");
	aisp_frame source = bgra_frame(orig);
	CHECK(core.set_source_image(inst, &source, "astronaut.png") == AISP_OK, "set_source_image: %s", error_text());
	/* The same face swapped onto itself still changes pixels (colour transfer, feathering), inside only. */
	uint8_t *mirror = malloc(W * H * 4);
	for (int yy = 0; yy < H; yy++)
		for (int xx = 0; xx < W; xx++)
			memcpy(mirror + ((size_t)yy * W + xx) * 4, orig + ((size_t)yy * W + (W - 1 - xx)) * 4, 4);
	aisp_frame mirrored_source = bgra_frame(mirror);
	CHECK(core.set_source_image(inst, &mirrored_source, "mirrored astronaut") == AISP_OK, "mirrored source: %s",
	      error_text());
	/* Identity pictures: a name with a mapping is required, a face-free picture is a source error, NULL forgets. */
	CHECK(core.set_identity_source(inst, "Eileen", &source, "astronaut.png") == AISP_ERR_INVALID_ARGUMENT &&
		      strstr(error_text(), "swap_identities"),
	      "a picture for an unmapped name kept: %s", error_text());
	CHECK(core.update(inst, "{\"swap_identities\":\"Eileen = astronaut.png\\nIce = ice.jpg\"}") == AISP_OK, "mapping: %s",
	      error_text());
	CHECK(core.set_identity_source(inst, NULL, &source, "x") == AISP_ERR_INVALID_ARGUMENT, "null identity accepted");
	CHECK(core.set_identity_source(inst, "", &source, "x") == AISP_ERR_INVALID_ARGUMENT, "empty identity accepted");
	CHECK(core.set_identity_source(inst, "Ice", &ice_frame, "ice.jpg") == AISP_ERR_SOURCE_IMAGE, "a face-free identity picture accepted");
	CHECK(core.set_identity_source(inst, "Eileen", &source, "astronaut.png") == AISP_OK, "identity source: %s", error_text());
	CHECK(core.set_identity_source(inst, "Eileen", NULL, NULL) == AISP_OK, "forgetting an identity source: %s", error_text());
	CHECK(core.set_identity_source((aisp_instance *)(uintptr_t)0xdead, "Eileen", &source, "x") == AISP_ERR_INVALID_ARGUMENT,
	      "identity source on a bad handle");
	memcpy(bgra, orig, W * H * 4);
	CHECK(core.process_frame(inst, &f) == AISP_OK, "morph failed: %s", error_text());
	in = total = out = 0;
	diff_plane(orig, bgra, W, H, 4, 1, &in, &total, &out);
	CHECK(in > total / 4, "morph: only %d of %d face bytes changed", in, total);
	CHECK(out == 0, "morph: %d bytes changed outside the face margin", out);
	core.get_stats(inst, &s);
	CHECK(s.notice[0] == '\0', "notice after a swap '%s'", s.notice);
	CHECK(s.stages[AISP_STAGE_LANDMARKS].last_ms > 0, "landmark latency not recorded");
	free(mirror);

	free(bgra), free(orig), free(padded), free(padded_orig), free(i420), free(i420_orig), free(nv12),
		free(nv12_orig), free(ice), free(ice_orig);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s CORE_SO MODELS_DIR FRAMES_DIR\n", argv[0]);
		return 2;
	}
	/* A fresh HOME: ONNX Runtime's telemetry, were it on, would write under it. */
	char home[] = "/tmp/aisp-abi-home-XXXXXX";
	if (!mkdtemp(home) || setenv("HOME", home, 1) != 0 || setenv("AISP_REMOTE_READ", "/usr/share:/nonexistent", 1) != 0) {
		fprintf(stderr, "cannot make a scratch HOME\n");
		return 2;
	}
	void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		fprintf(stderr, "dlopen %s: %s\n", argv[1], dlerror());
		return 2;
	}
#define LOAD(field, name)                                   \
	*(void **)&core.field = dlsym(lib, name);            \
	CHECK(core.field != NULL, "missing export %s", name)
	LOAD(abi_version, "aisp_abi_version");
	LOAD(last_error, "aisp_last_error");
	LOAD(set_log_callback, "aisp_set_log_callback");
	LOAD(create, "aisp_create");
	LOAD(update, "aisp_update");
	LOAD(process_frame, "aisp_process_frame");
	LOAD(set_source_image, "aisp_set_source_image");
	LOAD(set_identity_source, "aisp_set_identity_source");
	LOAD(render, "aisp_render");
	LOAD(get_stats, "aisp_get_stats");
	LOAD(destroy, "aisp_destroy");
	LOAD(validate_settings, "aisp_validate_settings");
	LOAD(check_remote_settings, "aisp_check_remote_settings");
	LOAD(next_event, "aisp_next_event");
	LOAD(set_paused, "aisp_set_paused");
	LOAD(suggest, "aisp_suggest");
	LOAD(settings_schema, "aisp_settings_schema");
	LOAD(status_json, "aisp_status_json");
	LOAD(identity_mappings, "aisp_identity_mappings");
	if (failures)
		return 1;

	/* The assistant through the ABI: a strategy as JSON, its full length returned, cut to a small buffer, bad input refused. */
	char strategy[8192], cut[16];
	uint32_t length = core.suggest("blur everyone", "{\"current\":{\"engine\":\"none\"}}", strategy, sizeof(strategy));
	CHECK(length > 0 && length < sizeof(strategy), "suggest: %u bytes, %s", length, error_text());
	CHECK(strstr(strategy, "\"engine\":\"privacy\"") && strstr(strategy, "\"privacy_mode\":\"blur\"") && strstr(strategy, "\"reason\""),
	      "suggest gave '%s'", strategy);
	CHECK(core.suggest("blur everyone", NULL, cut, sizeof(cut)) > sizeof(cut) && strlen(cut) == sizeof(cut) - 1,
	      "suggest into a small buffer: '%s'", cut);
	CHECK(core.suggest("", NULL, strategy, sizeof(strategy)) == 0 && strstr(error_text(), "instruction"), "empty instruction: '%s'", error_text());
	CHECK(core.suggest("blur everyone", "{not json", strategy, sizeof(strategy)) == 0 && strstr(error_text(), "JSON"), "bad status: '%s'", error_text());

	/* The settings schema: its full length, then the whole of it; every setting the plugin sends is in it. */
	uint32_t schema_length = core.settings_schema(NULL, 0);
	CHECK(schema_length > 1000, "settings_schema: %u bytes, %s", schema_length, error_text());
	char *schema = malloc(schema_length + 1);
	CHECK(schema && core.settings_schema(schema, schema_length + 1) == schema_length && strlen(schema) == schema_length,
	      "settings_schema into its own length");
	if (schema) {
		CHECK(strncmp(schema, "{\"settings\":[", 13) == 0, "schema starts '%.40s'", schema);
		CHECK(strstr(schema, "\"key\":\"engine\"") && strstr(schema, "\"visible_when\"") && strstr(schema, "\"obs_default\":\"auto\""),
		      "schema lacks the engine, visibility or the compositor's OBS default");
		free(schema);
	}
	CHECK(core.settings_schema(cut, sizeof(cut)) == schema_length && strlen(cut) == sizeof(cut) - 1, "schema into a small buffer: '%s'", cut);

	/* swap_identities' lines through the core's one parser: a map in their order, a bad line refused like the settings refuse it. */
	char mapped[256];
	CHECK(core.identity_mappings(" Ada = /pics/ada.png\n\nGrace=/pics/g, h.png ", mapped, sizeof(mapped)) > 0 &&
		      strcmp(mapped, "{\"Ada\":\"/pics/ada.png\",\"Grace\":\"/pics/g, h.png\"}") == 0,
	      "identity_mappings gave '%s' (%s)", mapped, error_text());
	CHECK(core.identity_mappings("", mapped, sizeof(mapped)) > 0 && strcmp(mapped, "{}") == 0, "no mappings gave '%s'", mapped);
	CHECK(core.identity_mappings("Ada /pics/ada.png", mapped, sizeof(mapped)) == 0 && strstr(error_text(), "name = picture path"),
	      "a line without '=': '%s'", error_text());
	CHECK(core.identity_mappings("Ada = /a.png\nAda = /b.png", mapped, sizeof(mapped)) == 0 && strstr(error_text(), "twice"),
	      "a name twice: '%s'", error_text());

	/* The status of a filter without an instance: the one shape, all zero. */
	char status[4096];
	CHECK(core.status_json(NULL, status, sizeof(status)) > 0 && strstr(status, "\"faces\":0") && strstr(status, "\"p95_ms\":0") &&
		      !strstr(status, "\"state\""),
	      "status of no instance: '%s'", status);

	CHECK(core.abi_version() == AISP_ABI_VERSION, "ABI %u, header %u", core.abi_version(), AISP_ABI_VERSION);
	CHECK(core.set_log_callback(on_log, &log_lines, 42) == AISP_ERR_INVALID_ARGUMENT, "bad log level accepted");
	CHECK(core.set_log_callback(on_log, &log_lines, AISP_LOG_INFO) == AISP_OK, "set_log_callback: %s", error_text());

	char json[2048];
	aisp_instance *inst = NULL;
	CHECK(core.create("{", &inst) == AISP_ERR_INVALID_SETTINGS && inst == NULL, "bad JSON accepted");
	CHECK(strstr(error_text(), "JSON") != NULL, "bad JSON message '%s'", error_text());
	CHECK(core.create("{\"confidence\":7}", &inst) == AISP_ERR_INVALID_SETTINGS, "confidence 7 accepted");
	CHECK(core.create(NULL, NULL) == AISP_ERR_INVALID_ARGUMENT, "null out_instance accepted");
	CHECK(core.create("{\"models_dir\":\"/nonexistent\"}", &inst) == AISP_ERR_MODEL && inst == NULL,
	      "missing models accepted");
	CHECK(strstr(error_text(), "/nonexistent") != NULL, "missing models message '%s'", error_text());

	snprintf(json, sizeof(json), "{\"models_dir\":\"%s\",\"privacy_mode\":\"pixelate\"}", argv[2]);
	CHECK(core.create(json, &inst) == AISP_OK && inst != NULL, "create failed: %s", error_text());
	CHECK(log_lines > 0, "no log line reached the callback");
	CHECK(strstr(last_log, "Pipeline ready") != NULL || log_lines > 1, "last log line '%s'", last_log);
	if (!inst)
		return 1;

	/* Validation without an instance: unknown keys and bad values are errors naming the key. */
	CHECK(core.validate_settings("{\"engine\":\"morph\",\"privacy_strength\":30}") == AISP_OK, "valid settings refused: %s",
	      error_text());
	CHECK(core.validate_settings("{\"smudge\":1}") == AISP_ERR_INVALID_SETTINGS && strstr(error_text(), "'smudge'"),
	      "unknown key: %s", error_text());
	CHECK(core.validate_settings("{\"engine\":\"sparkle\"}") == AISP_ERR_INVALID_SETTINGS && strstr(error_text(), "'engine'"),
	      "bad engine: %s", error_text());
	CHECK(core.validate_settings("{") == AISP_ERR_INVALID_SETTINGS, "bad JSON validated");

	/* Remote changes name files only inside AISP_REMOTE_READ's folders (set before the core loaded:
	 * the runtime reads its environment once); a path in effect may come back. */
	CHECK(core.check_remote_settings("{\"background_image\":\"/etc/passwd\"}", "{}") == AISP_ERR_INVALID_SETTINGS &&
		      strstr(error_text(), "'background_image'") && strstr(error_text(), "outside"),
	      "a remote path outside every allowed folder: %s", error_text());
	CHECK(core.check_remote_settings("{\"background_image\":\"/etc/passwd\",\"engine\":\"morph\"}",
					 "{\"background_image\":\"/etc/passwd\"}") == AISP_OK,
	      "the path in effect sent back refused: %s", error_text());
	CHECK(core.check_remote_settings("{\"background_image\":\"\",\"engine\":\"privacy\"}", "{}") == AISP_OK, "clearing refused: %s",
	      error_text());
	CHECK(core.check_remote_settings("{\"swap_identities\":{\"Ada\":\"/usr/share/ada.png\"}}", "{}") == AISP_OK,
	      "a path inside an allowed folder refused: %s", error_text());
	CHECK(core.check_remote_settings("{\"swap_identities\":\"Ada = /usr/share/../../etc/shadow\"}", "{}") == AISP_ERR_INVALID_SETTINGS &&
		      strstr(error_text(), "'swap_identities'"),
	      "a path leaving an allowed folder by '..': %s", error_text());

	/* Events: the new instance went INIT -> STARTING -> ...; a short buffer gets a cut, NUL-terminated copy. */
	char event[4096];
	char tiny[8];
	uint32_t first = core.next_event(inst, tiny, sizeof(tiny));
	CHECK(first > sizeof(tiny) && tiny[sizeof(tiny) - 1] == '\0', "short event buffer: length %u", first);
	int changes = 0;
	for (uint32_t n; (n = core.next_event(inst, event, sizeof(event))) > 0;)
		changes += strstr(event, "\"STATE_CHANGED\"") != NULL;
	CHECK(changes >= 1, "no STATE_CHANGED after creation");
	CHECK(core.set_paused(inst, 1) == AISP_OK, "set_paused: %s", error_text());
	aisp_stats paused = {.struct_size = sizeof(aisp_stats)};
	core.get_stats(inst, &paused);
	CHECK(strcmp(paused.state, "PAUSED") == 0, "state after pause '%s'", paused.state);
	CHECK(core.next_event(inst, event, sizeof(event)) > 0 && strstr(event, "\"to\":\"PAUSED\""), "pause event '%s'", event);
	CHECK(core.set_paused(inst, 0) == AISP_OK, "resume: %s", error_text());
	CHECK(core.set_paused((aisp_instance *)(uintptr_t)0xdead, 1) == AISP_ERR_INVALID_ARGUMENT, "pause on a bad handle");
	CHECK(core.next_event((aisp_instance *)(uintptr_t)0xdead, event, sizeof(event)) == 0, "events from a bad handle");

	aisp_stats small = {.struct_size = 16};
	CHECK(core.get_stats(inst, &small) == AISP_ERR_ABI_MISMATCH, "short aisp_stats accepted");
	CHECK(core.get_stats(inst, NULL) == AISP_ERR_INVALID_ARGUMENT, "null stats accepted");

	test_real_frames(inst, argv[3]);

	/* aisp_render outside OBS: bad descriptors are frame errors, a good one says that libobs's
	 * graphics are not in this process; nothing crashes and the host would draw the source itself. */
	uint8_t fake_source;
	aisp_gpu_frame gpu = {.struct_size = sizeof(aisp_gpu_frame), .source = &fake_source, .width = 64, .height = 64};
	CHECK(core.render(inst, NULL) == AISP_ERR_INVALID_FRAME, "null GPU frame accepted");
	aisp_gpu_frame no_source = gpu;
	no_source.source = NULL;
	CHECK(core.render(inst, &no_source) == AISP_ERR_INVALID_FRAME, "GPU frame without a source accepted");
	aisp_gpu_frame short_frame = gpu;
	short_frame.struct_size = 8;
	CHECK(core.render(inst, &short_frame) == AISP_ERR_ABI_MISMATCH, "short aisp_gpu_frame accepted");
	CHECK(core.render(inst, &gpu) == AISP_ERR_GRAPHICS, "render outside OBS: %s", error_text());
	CHECK(strstr(error_text(), "libobs") != NULL, "render outside OBS: message '%s'", error_text());
	CHECK(core.render((aisp_instance *)0x12345, &gpu) == AISP_ERR_INVALID_ARGUMENT, "render: made-up handle accepted");

	core.destroy(inst);
	aisp_stats s = {.struct_size = sizeof(aisp_stats)};
	CHECK(core.get_stats(inst, &s) == AISP_ERR_INVALID_ARGUMENT, "a destroyed instance still answers");
	CHECK(strstr(error_text(), "not a live") != NULL, "destroyed-instance message '%s'", error_text());
	CHECK(core.update(inst, "{}") == AISP_ERR_INVALID_ARGUMENT, "update on a destroyed instance");
	CHECK(core.process_frame((aisp_instance *)0x12345, NULL) == AISP_ERR_INVALID_ARGUMENT, "made-up handle accepted");
	core.destroy(inst); /* twice: ignored */
	core.destroy(NULL);
	core.set_log_callback(NULL, NULL, AISP_LOG_INFO);

	/* Nothing may phone home: the scratch HOME holds no telemetry cache (device id, event queue). */
	char telemetry[512];
	snprintf(telemetry, sizeof(telemetry), "%s/.cache/Microsoft", home);
	CHECK(access(telemetry, F_OK) != 0, "ONNX Runtime wrote telemetry files under %s", telemetry);
	rmdir(home);

	printf("abi_test: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
