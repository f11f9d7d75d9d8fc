/*
 * AISP C ABI: the one contract between the OBS plugin (C) and the NativeAOT core (C#).
 *
 * Rules every function follows:
 *  - No exception, signal or abort crosses this boundary. Every failure returns an
 *    aisp_status other than AISP_OK and leaves a message readable with aisp_last_error()
 *    on the calling thread (and, for instance calls, in aisp_stats.last_error).
 *  - A frame that is rejected or fails to process is left byte-for-byte untouched.
 *  - Structs that may grow start with struct_size; callers set it to sizeof(the struct)
 *    they were compiled with, the core never writes past it.
 *  - Bump AISP_ABI_VERSION on any incompatible change; the plugin refuses a core whose
 *    aisp_abi_version() differs from the header it was built with.
 *
 * The C# mirror lives in managed/Aisp.Native/Interop/; AbiMirrorTests compiles this header
 * and checks every size, offset and enum value against it.
 */
#ifndef AISP_H
#define AISP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AISP_ABI_VERSION 12u

#define AISP_MAX_PLANES 4
#define AISP_NAME_CAPACITY 32
#define AISP_ERROR_CAPACITY 256

typedef struct aisp_instance aisp_instance;

typedef enum aisp_status {
	AISP_OK = 0,
	AISP_ERR_INVALID_ARGUMENT = 1, /* null handle or pointer, bad buffer */
	AISP_ERR_INVALID_SETTINGS = 2, /* settings JSON unparsable or out of range */
	AISP_ERR_INVALID_FRAME = 3,    /* frame descriptor rejected, frame untouched */
	AISP_ERR_MODEL = 4,            /* model file missing, corrupt or wrong shape */
	AISP_ERR_INFERENCE = 5,        /* runtime failure while processing, frame untouched */
	AISP_ERR_ABI_MISMATCH = 6,     /* struct_size too small for this core */
	AISP_ERR_INTERNAL = 7,         /* anything else; the message says what */
	AISP_ERR_SOURCE_IMAGE = 8,     /* source face picture unusable: no face, too large */
	AISP_ERR_GRAPHICS = 9,         /* no GPU compositing here (libobs's graphics not in the
	                                  process) or a GPU object could not be made */
	AISP_ERR_LIBRARY = 10          /* face library unreadable, damaged, locked or of another model */
} aisp_status;

typedef enum aisp_pixel_format {
	AISP_PIXEL_FORMAT_UNKNOWN = 0,
	AISP_PIXEL_FORMAT_BGRA = 1, /* packed, 4 bytes per pixel, plane 0 */
	AISP_PIXEL_FORMAT_BGRX = 2, /* as BGRA, alpha ignored and preserved */
	AISP_PIXEL_FORMAT_RGBA = 3,
	AISP_PIXEL_FORMAT_NV12 = 4, /* plane 0 Y, plane 1 interleaved UV at half resolution */
	AISP_PIXEL_FORMAT_I420 = 5  /* plane 0 Y, plane 1 U, plane 2 V at half resolution */
} aisp_pixel_format;

typedef enum aisp_color_matrix {
	AISP_COLOR_MATRIX_BT601 = 0,
	AISP_COLOR_MATRIX_BT709 = 1
} aisp_color_matrix;

typedef enum aisp_color_range {
	AISP_COLOR_RANGE_PARTIAL = 0, /* 16..235 luma */
	AISP_COLOR_RANGE_FULL = 1
} aisp_color_range;

typedef enum aisp_log_level {
	AISP_LOG_TRACE = 0,
	AISP_LOG_DEBUG = 1,
	AISP_LOG_INFO = 2,
	AISP_LOG_WARNING = 3,
	AISP_LOG_ERROR = 4,
	AISP_LOG_CRITICAL = 5
} aisp_log_level;

/* Pipeline stages timed in aisp_stats.stages[]. */
typedef enum aisp_stage {
	AISP_STAGE_HANDOFF = 0,   /* validating the frame and handing it to analysis (GPU: downscale,
	                             stage and map for synchronous sources) */
	AISP_STAGE_DETECT = 1,    /* frame sampling + face detector */
	AISP_STAGE_LANDMARKS = 2, /* dense landmarks (0 while no engine needs them) */
	AISP_STAGE_ENGINE = 3,    /* the engine painting the frame in memory (CPU compositor) */
	AISP_STAGE_COMPOSITE = 4, /* issuing the engine's draws in the render pass (GPU compositor) */
	AISP_STAGE_TOTAL = 5,
	AISP_STAGE_COUNT = 6
} aisp_stage;

typedef struct aisp_frame {
	uint32_t struct_size;
	int32_t format; /* aisp_pixel_format */
	uint32_t width;
	uint32_t height;
	uint8_t *planes[AISP_MAX_PLANES];
	uint32_t strides[AISP_MAX_PLANES]; /* bytes per row of each plane */
	uint64_t timestamp_ns;
	int32_t color_matrix; /* aisp_color_matrix, YUV formats only */
	int32_t color_range;  /* aisp_color_range, YUV formats only */
} aisp_frame;

/* Flags of aisp_gpu_frame. */
typedef enum aisp_render_flags {
	AISP_RENDER_NONE = 0,   /* an asynchronous source: its frames reach analysis through
	                           aisp_process_frame */
	AISP_RENDER_ANALYSE = 1, /* a synchronous source: its pixels reach analysis only through
	                           aisp_render (a downscaled copy is staged on the GPU) */
	AISP_RENDER_DEFAULT_EFFECT = 2 /* the source is the filter's parent and draws with the current
	                                  effect (no OBS_SOURCE_CUSTOM_DRAW, not asynchronous: an image
	                                  or text source): the core draws it inside the default effect's
	                                  "Draw" technique, as libobs's filters do (ABI 6) */
} aisp_render_flags;

/* What aisp_render draws: a libobs source, rendered by the core as often and at whatever size it
 * needs (the whole picture into the current target, face regions and the analysis copy into its
 * own textures), so no full-frame copy is made on the GPU. */
typedef struct aisp_gpu_frame {
	uint32_t struct_size;
	uint32_t flags;        /* aisp_render_flags */
	void *source;          /* libobs obs_source_t*: the filter's target */
	uint32_t width;
	uint32_t height;
	uint64_t timestamp_ns; /* the picture's time: the async frame's timestamp, or the video clock */
} aisp_gpu_frame;

/* Quality level in effect (adaptive unless fixed by the "quality" setting). */
typedef enum aisp_quality {
	AISP_QUALITY_QUALITY = 0,     /* under 30 % of the frame budget: detection every frame, full blending */
	AISP_QUALITY_BALANCED = 1,    /* 30-60 %: detection every 3rd analysed frame, landmarks track between */
	AISP_QUALITY_PERFORMANCE = 2  /* over 60 %: detection every 6th, cheaper blending */
} aisp_quality;

/* Latency of one stage over the last AISP stats window, in milliseconds. */
typedef struct aisp_stage_stats {
	double last_ms;
	double p50_ms;
	double p95_ms;
	double p99_ms;
} aisp_stage_stats;

typedef struct aisp_stats {
	uint32_t struct_size;
	uint32_t faces_last_frame;
	uint64_t frames_processed; /* frames that went through the pipeline */
	uint64_t frames_failed;    /* frames rejected or failed (left untouched) */
	uint64_t errors;           /* every failed call, settings included */
	uint64_t frames_dropped;   /* frames not analysed because a newer one won */
	uint64_t frames_analysed;  /* frames the analysis (detection/tracking) ran on */
	int32_t last_error_code;   /* aisp_status of the newest failure, AISP_OK if none */
	int32_t quality;           /* aisp_quality in effect */
	double fps;                /* processed frames per second over the window */
	double result_age_ms;      /* age of the analysis result applied to the last frame */
	double budget_share;       /* share of the frame interval used by analysis + compositing */
	aisp_stage_stats stages[AISP_STAGE_COUNT];
	char engine[AISP_NAME_CAPACITY];             /* engine in effect */
	char detector[AISP_NAME_CAPACITY];           /* detector in effect */
	char execution_provider[AISP_NAME_CAPACITY]; /* ONNX Runtime provider in effect */
	char compositor[AISP_NAME_CAPACITY];         /* "gpu", "cpu", or "auto: gpu|cpu|trying" */
	char last_error[AISP_ERROR_CAPACITY];        /* newest failure message, "" if none */
	char notice[AISP_ERROR_CAPACITY];            /* why the engine did nothing on the last frame
	                                                (e.g. no source face yet), "" if it worked */
	uint32_t faces_known;                        /* of faces_last_frame, those the face library named (ABI 5) */
	char state[AISP_NAME_CAPACITY];              /* the seed's state: INIT, WAITING, STARTING, IDLE,
	                                                PROCESSING, PAUSED, ERROR, RETRY, COMPLETED (ABI 6) */
	char alerts[AISP_ERROR_CAPACITY];            /* alerts raised now ("cpu warning, latency warning"),
	                                                "" if none (ABI 6) */
	uint32_t faces_covered;                      /* faces privacy covered on the last frame: every face found
	                                                (past the per-face budget too) but those its rule shows;
	                                                0 with other engines (ABI 9) */
	uint32_t faces_over_budget;                  /* faces found beyond the per-face budget (16): covered from
	                                                their boxes, no landmarks or recognition (ABI 9) */
	double analysis_share;                       /* share of one core the analysis took over the last two
	                                                seconds (its busy time over wall time; 0.5 = half a
	                                                core), beside the graphics-thread times (ABI 12) */
} aisp_stats;

/* Receives every log line of the core. May be called from any thread of the core. */
typedef void (*aisp_log_callback)(void *user_data, int32_t level, const char *message);

/* ABI version the core was built with; compare with AISP_ABI_VERSION. */
uint32_t aisp_abi_version(void);

/* Copies the calling thread's newest error message (NUL-terminated, truncated to
 * capacity) and returns its full length in bytes, without the NUL. */
uint32_t aisp_last_error(char *buffer, uint32_t capacity);

/* Routes the core's log to callback (NULL restores the default: stderr) for levels >= min_level. */
aisp_status aisp_set_log_callback(aisp_log_callback callback, void *user_data, int32_t min_level);

/* Creates an instance from a JSON object of settings (NULL or "" means defaults). */
aisp_status aisp_create(const char *settings_json, aisp_instance **out_instance);

/* Checks a full or partial settings object exactly as aisp_update would, without an instance:
 * AISP_OK, or AISP_ERR_INVALID_SETTINGS with a message naming the key (an unknown key is an
 * error here, where aisp_update only logs it). Remote control validates with it before it
 * changes anything. */
aisp_status aisp_validate_settings(const char *settings_json);

/* Checks a remote change (obs-websocket's SetSettings, the assistant's apply) against the files it
 * may name: a picture, model, library or pack path named anew must lie inside a folder the OBS user
 * allows in the AISP_REMOTE_READ environment variable (':'-separated absolute folders; none by
 * default), symbolic links resolved. Clearing a path, or sending back the one in current_json (the
 * filter's settings now), passes. AISP_OK, or AISP_ERR_INVALID_SETTINGS naming the key and the file.
 * Call it after aisp_validate_settings. (ABI 10) */
aisp_status aisp_check_remote_settings(const char *change_json, const char *current_json);

/* Applies new settings. On failure the previous settings stay in effect. */
aisp_status aisp_update(aisp_instance *instance, const char *settings_json);

/* Runs the pipeline on the frame in place. On failure the frame is untouched. */
aisp_status aisp_process_frame(aisp_instance *instance, const aisp_frame *frame);

/* Draws the filtered picture into the current render target at (0,0)-(width,height), from OBS's
 * video_render with its graphics context current. With the "gpu" compositor the engine's result
 * is drawn as GPU work over the source (asynchronous sources hand their frames to analysis in
 * aisp_process_frame, which then paints nothing); with the "cpu" compositor, or an engine without
 * a GPU drawer, synchronous sources are read back and painted in memory here, and asynchronous
 * ones were painted in aisp_process_frame. AISP_OK means the core drew the picture (a failure
 * after that is in aisp_stats); any error means it drew nothing into the current target and the
 * host draws the source as it is (obs_source_skip_video_filter). AISP_ERR_GRAPHICS outside a process with libobs's graphics. */
aisp_status aisp_render(aisp_instance *instance, const aisp_gpu_frame *frame);

/* Sets the face to swap in from a decoded picture (any aisp_pixel_format; the host decodes
 * files, the core decodes nothing). The face is found and landmarked once and kept until the
 * next call; label names it in messages (usually the file path). On AISP_ERR_SOURCE_IMAGE (no
 * face, picture too large) the previous source face is dropped and swap engines pass through.
 * The picture is copied: the caller may free it on return. */
aisp_status aisp_set_source_image(aisp_instance *instance, const aisp_frame *image, const char *label);

/* Sets the picture that faces the face library names identity are swapped to (the settings'
 * swap_identities lists the identities; a mapping the settings drop is dropped with its picture).
 * Decoded by the host, found and landmarked once, like aisp_set_source_image. image NULL forgets
 * the identity's picture. On AISP_ERR_SOURCE_IMAGE the identity's previous picture is dropped and
 * its faces are treated as unmapped (the default source face or left alone, per swap_unknown).
 * AISP_ERR_INVALID_ARGUMENT for a NULL or empty identity. */
aisp_status aisp_set_identity_source(aisp_instance *instance, const char *identity, const aisp_frame *image,
				     const char *label);

/* Sets the picture that replaces the background (setting background "replace"), decoded by the
 * host like the source face; image NULL forgets it. The picture is copied. On
 * AISP_ERR_SOURCE_IMAGE (over 8192 px a side) the previous picture is dropped too, so a broken file
 * shows as an error and the background notice, never as a stale picture. (ABI 8) */
aisp_status aisp_set_background_image(aisp_instance *instance, const aisp_frame *image, const char *label);

/* Takes the instance's next event, after a fresh look at it (state, alerts, engine, errors, and
 * the retry of a failing engine: this call drives them, so a host calls it a few times a second,
 * never from its graphics thread). Writes {"type","time","payload"} as NUL-terminated JSON, cut to
 * capacity (4096 always suffices), and returns its full length; 0 when there is no event or the
 * handle is bad. Types: STATE_CHANGED, ENGINE_STARTED, ENGINE_STOPPED, PERFORMANCE_ALERT,
 * SYSTEM_ERROR. (ABI 6) */
uint32_t aisp_next_event(aisp_instance *instance, char *buffer, uint32_t capacity);

/* Tells the core the filter is disabled (paused != 0) or enabled again: the state becomes PAUSED,
 * or follows the frames again. (ABI 6) */
aisp_status aisp_set_paused(aisp_instance *instance, int32_t paused);

/* The assistant (rules only: no language model runs in the host): plans a strategy for a plain-
 * language instruction (English or Chinese) from status_json, {"current": the filter's settings,
 * "fps", "latency_p95_ms", "me": the user's name in the face library}, all optional; the core adds
 * ONNX Runtime's providers, the machine's CPU load (sampled for 100 ms: never call it from the
 * graphics thread), the face library's people and this machine's strategy history. Writes the
 * strategy {"instruction","planner","settings","choices":[{"setting","value","reason",
 * "candidates"}],"status","understood" ("all", "partly", "nothing"), and unless all was understood
 * "not_understood"/"can_do" (arrays) and "not_understood_text"/"can_do_text" (the same as text, for
 * hosts whose data holds no string arrays)} as NUL-terminated JSON, cut to capacity, and returns its full length
 * (call again with a larger buffer when it is not smaller than capacity); 0 on failure, with
 * aisp_last_error. The settings are a change for aisp_validate_settings/aisp_update. (ABI 7) */
uint32_t aisp_suggest(const char *instruction, const char *status_json, char *buffer, uint32_t capacity);

/* The settings schema, {"settings": [...]}: every setting the core reads, in the order a form shows
 * them, each with "key", "kind" (choice, number, integer, boolean, path, colour, names, mappings),
 * "label", "help", "locale_id" (help: locale_id ".Help", a choice: locale_id "." choice), "default"
 * (and "obs_default" where the OBS filter starts from another), "obs" (whether it is an OBS
 * property), "min"/"max"/"step"/"slider" (numbers), "choices", "folder"/"file_filter" (paths) and
 * "visible_when" ([{"key", "in" or "not_in": [values]}], all must hold). "choices_text", "in_text" and
 * "not_in_text" repeat those arrays as one text of lines, for hosts whose data holds no string
 * arrays (OBS's obs_data drops them). Written like
 * aisp_suggest: NUL-terminated, cut to capacity, the full length returned (0 on failure). The
 * plugin builds its defaults, properties and visibility from it. (ABI 11) */
uint32_t aisp_settings_schema(char *buffer, uint32_t capacity);

/* The "name = picture path" lines of the swap_identities setting as a JSON object {name: path}, in
 * their order: the core's one parser of them, for the host that decodes the pictures. Written like
 * aisp_suggest (an empty text gives {}); 0 on failure (a line without '=', a name twice), with
 * aisp_last_error. (ABI 12) */
uint32_t aisp_identity_mappings(const char *text, char *buffer, uint32_t capacity);

/* The instance's status as JSON, the one shape every surface shows (OBS's GetStatus, the server,
 * the CLI's statistics): {"state","alerts","engine","detector","execution_provider","compositor",
 * "quality","fps","faces","faces_known","faces_covered","faces_over_budget","frames_processed",
 * "frames_analysed","frames_dropped","frames_failed","errors","result_age_ms","budget_share","analysis_share",
 * "notice","last_error","stages":{"handoff"|"detect"|"landmarks"|"engine"|"composite"|"total"|
 * "cover": {"last_ms","p50_ms","p95_ms","p99_ms"}}}. A NULL instance gives the status of a filter
 * with no instance yet (zeros, no "state" or "alerts"). Written like aisp_suggest: NUL-terminated,
 * cut to capacity, the full length returned (0 on failure, with aisp_last_error). (ABI 12) */
uint32_t aisp_status_json(aisp_instance *instance, char *buffer, uint32_t capacity);

/* Fills stats (stats->struct_size must be set). */
aisp_status aisp_get_stats(aisp_instance *instance, aisp_stats *stats);

/* Releases the instance; NULL is ignored. After aisp_render was called, call it with the graphics
 * context current (OBS: between obs_enter_graphics and obs_leave_graphics): it frees GPU objects. */
void aisp_destroy(aisp_instance *instance);

#ifdef __cplusplus
}
#endif

#endif /* AISP_H */
