/* Module entry: loads the NativeAOT core and registers the filter. The filter is registered even
 * when the core is missing, so the user sees why in its properties. */
#include <obs-module.h>
#include <util/dstr.h>
#include <util/platform.h>

#include "aisp-core.h"
#include "aisp-filter.h"
#include "aisp-platform.h"
#include "aisp-schema.h"
#include "aisp-remote.h"

OBS_DECLARE_MODULE()
OBS_MODULE_USE_DEFAULT_LOCALE("aisp", "en-US")

MODULE_EXPORT const char *obs_module_description(void)
{
	return "AISP: real-time face anonymisation and swapping";
}

/* The core lies beside this module (the per-user layout, bin/64bit/), or in an aisp/ folder beside
 * it (a system install, where every library directly in obs-plugins/ would be taken for a module). */
static void find_core(struct dstr *core_path)
{
	const char *module_path = obs_get_module_binary_path(obs_current_module());
	const char *slash = module_path ? strrchr(module_path, '/') : NULL;
	struct dstr folder = {0};
	if (slash)
		dstr_ncopy(&folder, module_path, (size_t)(slash - module_path + 1));
	dstr_printf(core_path, "%saisp/%s", folder.array ? folder.array : "", aisp_core_file_name);
	if (!os_file_exists(core_path->array))
		dstr_printf(core_path, "%s%s", folder.array ? folder.array : "", aisp_core_file_name);
	dstr_free(&folder);
}

bool obs_module_load(void)
{
	struct dstr core_path = {0};
	find_core(&core_path);

	/* ONNX Runtime, inside the core, reads this once when it starts: nothing of a face filter may be
	 * sent anywhere. Set here, at module load on OBS's main thread before the core exists, so the
	 * core never has to change the process environment later, beside other threads. */
	aisp_set_environment("ORT_DISABLE_TELEMETRY", "1");

	char error[512];
	if (aisp_core_load(core_path.array, error, sizeof(error)))
		blog(LOG_INFO, "[aisp] AISP %s: core loaded from %s (ABI %u)", AISP_VERSION, core_path.array, AISP_ABI_VERSION);
	else
		blog(LOG_ERROR, "[aisp] AISP %s: %s; the filter will pass frames through", AISP_VERSION, error);
	dstr_free(&core_path);
	aisp_schema_load();

	obs_register_source(&aisp_filter_info);
	return true;
}

/* obs-websocket registers its API during its own load: vendors join once every module is loaded. */
void obs_module_post_load(void)
{
	aisp_remote_register();
}

void obs_module_unload(void)
{
	aisp_remote_stop();
	aisp_schema_free();
	aisp_core_unload();
}
