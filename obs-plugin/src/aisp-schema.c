#include "aisp-schema.h"

#include <string.h>
#include <util/bmem.h>

#include "aisp-core.h"

static obs_data_t *schema;
static obs_data_array_t *settings;
static obs_data_t **items;
static size_t count;

void aisp_schema_load(void)
{
	const struct aisp_core_api *core = aisp_core();
	if (!core)
		return;
	uint32_t length = core->settings_schema(NULL, 0);
	if (length == 0) {
		char error[512];
		aisp_core_last_error(error, sizeof(error));
		blog(LOG_ERROR, "[aisp] the core gave no settings schema: %s", error);
		return;
	}
	char *json = bmalloc((size_t)length + 1);
	core->settings_schema(json, length + 1);
	schema = obs_data_create_from_json(json);
	bfree(json);
	settings = schema ? obs_data_get_array(schema, "settings") : NULL;
	count = settings ? obs_data_array_count(settings) : 0;
	items = count ? bzalloc(count * sizeof(*items)) : NULL;
	for (size_t i = 0; i < count; i++)
		items[i] = obs_data_array_item(settings, i);
	if (!count)
		blog(LOG_ERROR, "[aisp] the core's settings schema could not be read");
}

void aisp_schema_free(void)
{
	for (size_t i = 0; i < count; i++)
		obs_data_release(items[i]);
	bfree(items);
	obs_data_array_release(settings);
	obs_data_release(schema);
	items = NULL;
	settings = NULL;
	schema = NULL;
	count = 0;
}

size_t aisp_schema_count(void)
{
	return count;
}

obs_data_t *aisp_schema_setting(size_t i)
{
	return i < count ? items[i] : NULL;
}

obs_data_t *aisp_schema_find(const char *key)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(obs_data_get_string(items[i], "key"), key) == 0)
			return items[i];
	return NULL;
}
