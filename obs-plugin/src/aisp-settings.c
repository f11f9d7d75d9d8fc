#include "aisp-settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <util/bmem.h>
#include <util/dstr.h>

#include "aisp-schema.h"

/* Every setting comes from the core's schema (aisp-schema.c): its key, kind, default, range,
 * choices, label and help locale ids, and when it is shown. Nothing here names a setting but the
 * engine, whose default stays privacy even without a core: privacy fails closed. */

static bool is_kind(obs_data_t *spec, const char *kind)
{
	return strcmp(obs_data_get_string(spec, "kind"), kind) == 0;
}

/* Whether value is one of the lines of text ("a\nb\nc"). */
static bool among_lines(const char *text, const char *value)
{
	size_t length = strlen(value);
	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		if (n == length && strncmp(line, value, n) == 0)
			return true;
		line = end ? end + 1 : NULL;
	}
	return false;
}

/* "#rrggbb" as OBS's colour number, 0xAABBGGRR. */
static long long obs_colour(const char *text)
{
	unsigned long rgb = text && text[0] == '#' ? strtoul(text + 1, NULL, 16) : 0;
	return 0xFF000000LL | (long long)((rgb & 0xFF) << 16) | (long long)(rgb & 0xFF00) | (long long)((rgb >> 16) & 0xFF);
}

static const char *text_of(obs_data_t *spec, const char *suffix, struct dstr *id)
{
	dstr_printf(id, "%s%s", obs_data_get_string(spec, "locale_id"), suffix);
	return obs_module_text(id->array);
}

void aisp_settings_defaults(obs_data_t *settings)
{
	obs_data_set_default_string(settings, "engine", "privacy");
	for (size_t i = 0; i < aisp_schema_count(); i++) {
		obs_data_t *spec = aisp_schema_setting(i);
		if (!obs_data_get_bool(spec, "obs"))
			continue;
		const char *key = obs_data_get_string(spec, "key");
		const char *which = obs_data_has_user_value(spec, "obs_default") ? "obs_default" : "default";
		if (is_kind(spec, "number"))
			obs_data_set_default_double(settings, key, obs_data_get_double(spec, which));
		else if (is_kind(spec, "integer"))
			obs_data_set_default_int(settings, key, obs_data_get_int(spec, which));
		else if (is_kind(spec, "boolean"))
			obs_data_set_default_bool(settings, key, obs_data_get_bool(spec, which));
		else if (is_kind(spec, "colour"))
			obs_data_set_default_int(settings, key, obs_colour(obs_data_get_string(spec, which)));
		else
			obs_data_set_default_string(settings, key, obs_data_get_string(spec, which));
	}
}

/* Whether every condition of the setting's visible_when holds for these settings. */
static bool visible(obs_data_t *spec, obs_data_t *settings)
{
	obs_data_array_t *conditions = obs_data_get_array(spec, "visible_when");
	bool shown = true;
	for (size_t i = 0; conditions && shown && i < obs_data_array_count(conditions); i++) {
		obs_data_t *condition = obs_data_array_item(conditions, i);
		const char *value = obs_data_get_string(settings, obs_data_get_string(condition, "key"));
		if (obs_data_has_user_value(condition, "in_text"))
			shown = among_lines(obs_data_get_string(condition, "in_text"), value);
		else
			shown = !among_lines(obs_data_get_string(condition, "not_in_text"), value);
		obs_data_release(condition);
	}
	obs_data_array_release(conditions);
	return shown;
}

/* Shows only the properties that apply (the engine's, the background mode's, ...). */
static bool update_visibility(obs_properties_t *props, obs_property_t *unused, obs_data_t *settings)
{
	(void)unused;
	for (size_t i = 0; i < aisp_schema_count(); i++) {
		obs_data_t *spec = aisp_schema_setting(i);
		obs_property_t *p = obs_properties_get(props, obs_data_get_string(spec, "key"));
		if (p)
			obs_property_set_visible(p, visible(spec, settings));
	}
	return true;
}

static obs_property_t *add_property(obs_properties_t *props, obs_data_t *spec, struct dstr *id)
{
	const char *key = obs_data_get_string(spec, "key");
	const char *label = text_of(spec, "", id);
	double min = obs_data_get_double(spec, "min"), max = obs_data_get_double(spec, "max");
	double step = obs_data_get_double(spec, "step");
	bool slider = obs_data_get_bool(spec, "slider");
	if (is_kind(spec, "choice")) {
		obs_property_t *list = obs_properties_add_list(props, key, label, OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_STRING);
		const char *choices = obs_data_get_string(spec, "choices_text");
		struct dstr choice = {0}, choice_id = {0};
		for (const char *line = choices; line && *line;) {
			const char *end = strchr(line, '\n');
			dstr_ncopy(&choice, line, end ? (size_t)(end - line) : strlen(line));
			dstr_printf(&choice_id, "%s.%s", obs_data_get_string(spec, "locale_id"), choice.array);
			obs_property_list_add_string(list, obs_module_text(choice_id.array), choice.array);
			line = end ? end + 1 : NULL;
		}
		dstr_free(&choice);
		dstr_free(&choice_id);
		return list;
	}
	if (is_kind(spec, "number"))
		return slider ? obs_properties_add_float_slider(props, key, label, min, max, step)
			      : obs_properties_add_float(props, key, label, min, max, step);
	if (is_kind(spec, "integer"))
		return slider ? obs_properties_add_int_slider(props, key, label, (int)min, (int)max, (int)step)
			      : obs_properties_add_int(props, key, label, (int)min, (int)max, (int)step);
	if (is_kind(spec, "boolean"))
		return obs_properties_add_bool(props, key, label);
	if (is_kind(spec, "colour"))
		return obs_properties_add_color(props, key, label);
	if (is_kind(spec, "path")) {
		const char *filter = obs_data_get_string(spec, "file_filter");
		return obs_properties_add_path(props, key, label, obs_data_get_bool(spec, "folder") ? OBS_PATH_DIRECTORY : OBS_PATH_FILE,
					       *filter ? filter : NULL, NULL);
	}
	return obs_properties_add_text(props, key, label, is_kind(spec, "mappings") ? OBS_TEXT_MULTILINE : OBS_TEXT_DEFAULT);
}

/* Whether another setting's visibility depends on this key. */
static bool controls_visibility(const char *key)
{
	for (size_t i = 0; i < aisp_schema_count(); i++) {
		obs_data_array_t *conditions = obs_data_get_array(aisp_schema_setting(i), "visible_when");
		bool found = false;
		for (size_t c = 0; conditions && !found && c < obs_data_array_count(conditions); c++) {
			obs_data_t *condition = obs_data_array_item(conditions, c);
			found = strcmp(obs_data_get_string(condition, "key"), key) == 0;
			obs_data_release(condition);
		}
		obs_data_array_release(conditions);
		if (found)
			return true;
	}
	return false;
}

obs_properties_t *aisp_settings_properties(const char *status, obs_property_clicked_t refresh, void *data)
{
	obs_properties_t *props = obs_properties_create();
	struct dstr id = {0};
	for (size_t i = 0; i < aisp_schema_count(); i++) {
		obs_data_t *spec = aisp_schema_setting(i);
		if (!obs_data_get_bool(spec, "obs"))
			continue;
		obs_property_t *p = add_property(props, spec, &id);
		obs_property_set_long_description(p, text_of(spec, ".Help", &id));
		if (controls_visibility(obs_data_get_string(spec, "key")))
			obs_property_set_modified_callback(p, update_visibility);
	}
	dstr_free(&id);

	/* The line itself is the description of an info text with no value: OBS shows it read-only,
	 * and nothing of it reaches the settings that scene collections save. */
	obs_property_t *line = obs_properties_add_text(props, AISP_STATUS_KEY, status, OBS_TEXT_INFO);
	obs_property_text_set_info_word_wrap(line, true);
	obs_properties_add_button2(props, "refresh_status", obs_module_text("Status.Refresh"), refresh, data);
	return props;
}

bool aisp_settings_known(const char *key)
{
	obs_data_t *spec = aisp_schema_find(key);
	return spec && obs_data_get_bool(spec, "obs");
}

char *aisp_settings_to_json(obs_data_t *settings, const char *models_dir)
{
	/* obs_data_get_json leaves defaults out; copy every key with its effective value (colours as
	 * OBS's numbers, which the core reads as such). */
	obs_data_t *out = obs_data_create();
	obs_data_set_string(out, "engine", obs_data_get_string(settings, "engine"));
	for (size_t i = 0; i < aisp_schema_count(); i++) {
		obs_data_t *spec = aisp_schema_setting(i);
		if (!obs_data_get_bool(spec, "obs"))
			continue;
		const char *key = obs_data_get_string(spec, "key");
		if (is_kind(spec, "number"))
			obs_data_set_double(out, key, obs_data_get_double(settings, key));
		else if (is_kind(spec, "integer") || is_kind(spec, "colour"))
			obs_data_set_int(out, key, obs_data_get_int(settings, key));
		else if (is_kind(spec, "boolean"))
			obs_data_set_bool(out, key, obs_data_get_bool(settings, key));
		else
			obs_data_set_string(out, key, obs_data_get_string(settings, key));
	}
	if (models_dir)
		obs_data_set_string(out, "models_dir", models_dir);
	/* In OBS, analysis runs on the core's worker thread: the graphics thread only hands frames over. */
	obs_data_set_string(out, "analysis", "async");
	char *json = bstrdup(obs_data_get_json(out));
	obs_data_release(out);
	return json;
}
