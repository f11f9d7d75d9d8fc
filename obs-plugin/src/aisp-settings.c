#include "aisp-settings.h"

#include <string.h>
#include <util/bmem.h>

enum setting_type { SETTING_STRING, SETTING_INT, SETTING_DOUBLE, SETTING_BOOL };

struct setting {
	const char *key;
	enum setting_type type;
};

/* Every key the core reads from the OBS settings. The status line is not a setting at all. */
static const struct setting settings_table[] = {
	{"engine", SETTING_STRING},          {"detector", SETTING_STRING},
	{"confidence", SETTING_DOUBLE},      {"privacy_mode", SETTING_STRING},
	{"privacy_strength", SETTING_INT},   {"privacy_padding", SETTING_DOUBLE},
	{"execution_provider", SETTING_STRING}, {"threads", SETTING_INT},
	{"stabilize", SETTING_BOOL},         {"source_image", SETTING_STRING},
	{"keep_expression", SETTING_BOOL},   {"swap_model", SETTING_STRING},
	{"recognizer_model", SETTING_STRING}, {"swap_preset", SETTING_STRING},
	{"quality", SETTING_STRING},         {"compositor", SETTING_STRING},
	{"face_library", SETTING_STRING},    {"recognition_threshold", SETTING_DOUBLE},
	{"privacy_rule", SETTING_STRING},    {"privacy_identities", SETTING_STRING},
	{"swap_identities", SETTING_STRING}, {"swap_unknown", SETTING_STRING},
	{"smoothing", SETTING_DOUBLE},      {"landmarks", SETTING_STRING},
	{"background", SETTING_STRING},     {"background_blur", SETTING_INT},
	{"background_image", SETTING_STRING}, {"background_model", SETTING_STRING},
	{"effect_pack", SETTING_STRING},    {"effect_pack_path", SETTING_STRING},
	{"retouch", SETTING_INT},           {"lip_tint", SETTING_INT},
	{"lip_colour", SETTING_INT},        {"eye_tint", SETTING_INT},
	{"eye_colour", SETTING_INT}, /* OBS colours: 0xAABBGGRR integers, which the core reads as such */
};

void aisp_settings_defaults(obs_data_t *settings)
{
	obs_data_set_default_string(settings, "engine", "privacy");
	obs_data_set_default_string(settings, "detector", "ultraface");
	obs_data_set_default_double(settings, "confidence", 0.6);
	obs_data_set_default_string(settings, "privacy_mode", "pixelate");
	obs_data_set_default_int(settings, "privacy_strength", 50);
	obs_data_set_default_double(settings, "privacy_padding", 0.2);
	obs_data_set_default_string(settings, "execution_provider", "auto");
	obs_data_set_default_int(settings, "threads", 1);
	obs_data_set_default_bool(settings, "stabilize", true);
	obs_data_set_default_double(settings, "smoothing", 0.5);
	obs_data_set_default_string(settings, "landmarks", "68");
	obs_data_set_default_string(settings, "source_image", "");
	obs_data_set_default_bool(settings, "keep_expression", true);
	obs_data_set_default_string(settings, "swap_model", "");
	obs_data_set_default_string(settings, "recognizer_model", "");
	obs_data_set_default_string(settings, "swap_preset", "facefusion");
	obs_data_set_default_string(settings, "quality", "auto");
	obs_data_set_default_string(settings, "compositor", "auto");
	obs_data_set_default_string(settings, "face_library", "");
	obs_data_set_default_double(settings, "recognition_threshold", 0.45);
	obs_data_set_default_string(settings, "privacy_rule", "everyone");
	obs_data_set_default_string(settings, "privacy_identities", "");
	obs_data_set_default_string(settings, "swap_identities", "");
	obs_data_set_default_string(settings, "swap_unknown", "default");
	obs_data_set_default_string(settings, "background", "none");
	obs_data_set_default_int(settings, "background_blur", 60);
	obs_data_set_default_string(settings, "background_image", "");
	obs_data_set_default_string(settings, "background_model", "landscape");
	obs_data_set_default_string(settings, "effect_pack", "glasses");
	obs_data_set_default_string(settings, "effect_pack_path", "");
	obs_data_set_default_int(settings, "retouch", 40);
	obs_data_set_default_int(settings, "lip_tint", 0);
	obs_data_set_default_int(settings, "lip_colour", 0xFF4A30B0);
	obs_data_set_default_int(settings, "eye_tint", 0);
	obs_data_set_default_int(settings, "eye_colour", 0xFF934C6A);
}

static void add_list_item(obs_property_t *list, const char *text_key, const char *value)
{
	obs_property_list_add_string(list, obs_module_text(text_key), value);
}

/* Shows only the properties of the engine chosen. */
static bool engine_changed(obs_properties_t *props, obs_property_t *unused, obs_data_t *settings)
{
	(void)unused;
	const char *engine = obs_data_get_string(settings, "engine");
	bool privacy = strcmp(engine, "privacy") == 0;
	bool morph = strcmp(engine, "morph") == 0;
	bool inswapper = strcmp(engine, "inswapper") == 0;
	obs_property_set_visible(obs_properties_get(props, "privacy_mode"), privacy);
	obs_property_set_visible(obs_properties_get(props, "privacy_strength"), privacy);
	obs_property_set_visible(obs_properties_get(props, "privacy_padding"), privacy);
	obs_property_set_visible(obs_properties_get(props, "privacy_rule"), privacy);
	obs_property_set_visible(obs_properties_get(props, "privacy_identities"),
				 privacy && strcmp(obs_data_get_string(settings, "privacy_rule"), "everyone") != 0);
	obs_property_set_visible(obs_properties_get(props, "source_image"), morph || inswapper);
	obs_property_set_visible(obs_properties_get(props, "swap_identities"), morph || inswapper);
	obs_property_set_visible(obs_properties_get(props, "swap_unknown"), morph || inswapper);
	obs_property_set_visible(obs_properties_get(props, "keep_expression"), morph);
	obs_property_set_visible(obs_properties_get(props, "swap_model"), inswapper);
	obs_property_set_visible(obs_properties_get(props, "recognizer_model"), inswapper);
	obs_property_set_visible(obs_properties_get(props, "swap_preset"), inswapper);
	bool ar = strcmp(engine, "ar") == 0;
	obs_property_set_visible(obs_properties_get(props, "effect_pack"), ar);
	obs_property_set_visible(obs_properties_get(props, "effect_pack_path"),
				 ar && strcmp(obs_data_get_string(settings, "effect_pack"), "custom") == 0);
	obs_property_set_visible(obs_properties_get(props, "retouch"), ar);
	obs_property_set_visible(obs_properties_get(props, "lip_tint"), ar);
	obs_property_set_visible(obs_properties_get(props, "lip_colour"), ar);
	obs_property_set_visible(obs_properties_get(props, "eye_tint"), ar);
	obs_property_set_visible(obs_properties_get(props, "eye_colour"), ar);
	const char *background = obs_data_get_string(settings, "background");
	obs_property_set_visible(obs_properties_get(props, "background_blur"), strcmp(background, "blur") == 0);
	obs_property_set_visible(obs_properties_get(props, "background_image"), strcmp(background, "replace") == 0);
	obs_property_set_visible(obs_properties_get(props, "background_model"), strcmp(background, "none") != 0);
	return true;
}

obs_properties_t *aisp_settings_properties(const char *status, obs_property_clicked_t refresh, void *data)
{
	obs_properties_t *props = obs_properties_create();

	obs_property_t *engine = obs_properties_add_list(props, "engine", obs_module_text("Engine"),
							 OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_STRING);
	add_list_item(engine, "Engine.Privacy", "privacy");
	add_list_item(engine, "Engine.Morph", "morph");
	add_list_item(engine, "Engine.Inswapper", "inswapper");
	add_list_item(engine, "Engine.Ar", "ar");
	add_list_item(engine, "Engine.Landmarks", "landmarks");
	add_list_item(engine, "Engine.None", "none");
	obs_property_set_modified_callback(engine, engine_changed);

	obs_property_t *pack = obs_properties_add_list(props, "effect_pack", obs_module_text("EffectPack"),
						       OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_STRING);
	add_list_item(pack, "EffectPack.Glasses", "glasses");
	add_list_item(pack, "EffectPack.CatEars", "cat-ears");
	add_list_item(pack, "EffectPack.Mask", "mask");
	add_list_item(pack, "EffectPack.FacePaint", "face-paint");
	add_list_item(pack, "EffectPack.None", "none");
	add_list_item(pack, "EffectPack.Custom", "custom");
	obs_property_set_modified_callback(pack, engine_changed);
	obs_properties_add_path(props, "effect_pack_path", obs_module_text("EffectPackPath"), OBS_PATH_DIRECTORY, NULL,
				NULL);
	obs_properties_add_int_slider(props, "retouch", obs_module_text("Retouch"), 0, 100, 1);
	obs_properties_add_int_slider(props, "lip_tint", obs_module_text("LipTint"), 0, 100, 1);
	obs_properties_add_color(props, "lip_colour", obs_module_text("LipColour"));
	obs_properties_add_int_slider(props, "eye_tint", obs_module_text("EyeTint"), 0, 100, 1);
	obs_properties_add_color(props, "eye_colour", obs_module_text("EyeColour"));
	obs_property_t *background = obs_properties_add_list(props, "background", obs_module_text("Background"),
							     OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_STRING);
	add_list_item(background, "Background.None", "none");
	add_list_item(background, "Background.Blur", "blur");
	add_list_item(background, "Background.Replace", "replace");
	add_list_item(background, "Background.Transparent", "transparent");
	obs_property_set_modified_callback(background, engine_changed);
	obs_properties_add_int_slider(props, "background_blur", obs_module_text("BackgroundBlur"), 1, 100, 1);
	obs_properties_add_path(props, "background_image", obs_module_text("BackgroundImage"), OBS_PATH_FILE,
				"Images (*.png *.jpg *.jpeg *.bmp *.webp *.tga)", NULL);
	obs_property_t *bgmodel = obs_properties_add_list(props, "background_model", obs_module_text("BackgroundModel"),
							  OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_STRING);
	add_list_item(bgmodel, "BackgroundModel.Landscape", "landscape");
	add_list_item(bgmodel, "BackgroundModel.General", "general");

	obs_properties_add_path(props, "source_image", obs_module_text("SourceImage"), OBS_PATH_FILE,
				"Images (*.png *.jpg *.jpeg *.bmp *.webp *.tga)", NULL);
	obs_properties_add_text(props, "swap_identities", obs_module_text("SwapIdentities"), OBS_TEXT_MULTILINE);
	obs_property_t *unknown = obs_properties_add_list(props, "swap_unknown", obs_module_text("SwapUnknown"),
							  OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_STRING);
	add_list_item(unknown, "SwapUnknown.Default", "default");
	add_list_item(unknown, "SwapUnknown.Leave", "leave");
	obs_properties_add_bool(props, "keep_expression", obs_module_text("KeepExpression"));
	obs_properties_add_path(props, "swap_model", obs_module_text("SwapModel"), OBS_PATH_FILE, "ONNX (*.onnx)", NULL);
	obs_properties_add_path(props, "recognizer_model", obs_module_text("RecognizerModel"), OBS_PATH_FILE,
				"ONNX (*.onnx)", NULL);
	obs_property_t *preset = obs_properties_add_list(props, "swap_preset", obs_module_text("SwapPreset"),
							 OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_STRING);
	add_list_item(preset, "SwapPreset.DeepLiveCam", "deep-live-cam");
	add_list_item(preset, "SwapPreset.FaceFusion", "facefusion");
	add_list_item(preset, "SwapPreset.Roop", "roop");

	obs_property_t *detector = obs_properties_add_list(props, "detector", obs_module_text("Detector"),
							   OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_STRING);
	add_list_item(detector, "Detector.UltraFace", "ultraface");
	add_list_item(detector, "Detector.BlazeFaceBack", "blazeface-back");

	obs_properties_add_float_slider(props, "confidence", obs_module_text("Confidence"), 0.05, 0.99, 0.01);

	obs_property_t *mode = obs_properties_add_list(props, "privacy_mode", obs_module_text("PrivacyMode"),
						       OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_STRING);
	add_list_item(mode, "PrivacyMode.Pixelate", "pixelate");
	add_list_item(mode, "PrivacyMode.Blur", "blur");
	obs_properties_add_int_slider(props, "privacy_strength", obs_module_text("PrivacyStrength"), 1, 100, 1);
	obs_property_t *rule = obs_properties_add_list(props, "privacy_rule", obs_module_text("PrivacyRule"),
						       OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_STRING);
	add_list_item(rule, "PrivacyRule.Everyone", "everyone");
	add_list_item(rule, "PrivacyRule.ExceptListed", "except_listed");
	add_list_item(rule, "PrivacyRule.OnlyListed", "only_listed");
	obs_property_set_modified_callback(rule, engine_changed);
	obs_properties_add_text(props, "privacy_identities", obs_module_text("PrivacyIdentities"), OBS_TEXT_DEFAULT);
	obs_properties_add_path(props, "face_library", obs_module_text("FaceLibrary"), OBS_PATH_FILE,
				"Face library (*.db);;All files (*)", NULL);
	obs_properties_add_float_slider(props, "recognition_threshold", obs_module_text("RecognitionThreshold"), 0.2,
					0.95, 0.01);
	obs_properties_add_float_slider(props, "privacy_padding", obs_module_text("PrivacyPadding"), 0.0, 1.0, 0.05);

	obs_property_t *ep = obs_properties_add_list(props, "execution_provider",
						     obs_module_text("ExecutionProvider"), OBS_COMBO_TYPE_LIST,
						     OBS_COMBO_FORMAT_STRING);
	add_list_item(ep, "ExecutionProvider.Auto", "auto");
	add_list_item(ep, "ExecutionProvider.Cpu", "cpu");
	add_list_item(ep, "ExecutionProvider.Cuda", "cuda");
	add_list_item(ep, "ExecutionProvider.DirectML", "directml");
	add_list_item(ep, "ExecutionProvider.CoreML", "coreml");
	obs_properties_add_int(props, "threads", obs_module_text("Threads"), 1, 16, 1);
	obs_property_t *landmarks = obs_properties_add_list(props, "landmarks", obs_module_text("Landmarks"),
							    OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_STRING);
	add_list_item(landmarks, "Landmarks.Mesh", "mesh");
	add_list_item(landmarks, "Landmarks.68", "68");
	obs_properties_add_bool(props, "stabilize", obs_module_text("Stabilize"));
	obs_properties_add_float_slider(props, "smoothing", obs_module_text("Smoothing"), 0.0, 1.0, 0.05);
	obs_property_t *quality = obs_properties_add_list(props, "quality", obs_module_text("Quality"),
							  OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_STRING);
	add_list_item(quality, "Quality.Auto", "auto");
	add_list_item(quality, "Quality.Quality", "quality");
	add_list_item(quality, "Quality.Balanced", "balanced");
	add_list_item(quality, "Quality.Performance", "performance");
	obs_property_t *compositor = obs_properties_add_list(props, "compositor", obs_module_text("Compositor"),
							     OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_STRING);
	add_list_item(compositor, "Compositor.Auto", "auto");
	add_list_item(compositor, "Compositor.Gpu", "gpu");
	add_list_item(compositor, "Compositor.Cpu", "cpu");

	/* The line itself is the description of an info text with no value: OBS shows it read-only,
	 * and nothing of it reaches the settings that scene collections save. */
	obs_property_t *line = obs_properties_add_text(props, AISP_STATUS_KEY, status, OBS_TEXT_INFO);
	obs_property_text_set_info_word_wrap(line, true);
	obs_properties_add_button2(props, "refresh_status", obs_module_text("Status.Refresh"), refresh, data);
	return props;
}

bool aisp_settings_known(const char *key)
{
	for (size_t i = 0; i < sizeof(settings_table) / sizeof(settings_table[0]); i++)
		if (strcmp(settings_table[i].key, key) == 0)
			return true;
	return false;
}

char *aisp_settings_to_json(obs_data_t *settings, const char *models_dir)
{
	/* obs_data_get_json leaves defaults out; copy every key with its effective value. */
	obs_data_t *out = obs_data_create();
	for (size_t i = 0; i < sizeof(settings_table) / sizeof(settings_table[0]); i++) {
		const struct setting *s = &settings_table[i];
		switch (s->type) {
		case SETTING_STRING:
			obs_data_set_string(out, s->key, obs_data_get_string(settings, s->key));
			break;
		case SETTING_INT:
			obs_data_set_int(out, s->key, obs_data_get_int(settings, s->key));
			break;
		case SETTING_DOUBLE:
			obs_data_set_double(out, s->key, obs_data_get_double(settings, s->key));
			break;
		case SETTING_BOOL:
			obs_data_set_bool(out, s->key, obs_data_get_bool(settings, s->key));
			break;
		}
	}
	if (models_dir)
		obs_data_set_string(out, "models_dir", models_dir);
	/* In OBS, analysis runs on the core's worker thread: the graphics thread only hands frames over. */
	obs_data_set_string(out, "analysis", "async");
	char *json = bstrdup(obs_data_get_json(out));
	obs_data_release(out);
	return json;
}
