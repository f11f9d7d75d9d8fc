/* The pictures mapped to identities ("name = path" lines of the swap_identities setting): each
 * decoded and handed over like the default source face, when it changed. The core validates the
 * setting itself (a bad line is a settings error before this runs); lines without '=' are skipped. */
#include "aisp-source-image.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <util/bmem.h>

/* Copies s[0..n) without surrounding white space into a new string. */
static char *trimmed(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return bstrdup_n(s, n);
}

static struct aisp_source_image *cache_of(struct aisp_identity_sources *sources, const char *name, bool *seen)
{
	for (size_t i = 0; i < sources->count; i++) {
		if (strcmp(sources->names[i], name) == 0) {
			seen[i] = true;
			return &sources->images[i];
		}
	}
	if (sources->count == AISP_MAX_IDENTITY_SOURCES)
		return NULL;
	seen[sources->count] = true;
	sources->names[sources->count] = bstrdup(name);
	return &sources->images[sources->count++];
}

bool aisp_identity_sources_apply(struct aisp_identity_sources *sources, const struct aisp_core_api *core,
				 aisp_instance *instance, const char *mappings, char *error, size_t error_size)
{
	bool ok = true;
	bool seen[AISP_MAX_IDENTITY_SOURCES] = {false};
	for (const char *line = mappings; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t length = end ? (size_t)(end - line) : strlen(line);
		const char *eq = memchr(line, '=', length);
		if (eq) {
			char *name = trimmed(line, (size_t)(eq - line));
			char *path = trimmed(eq + 1, length - (size_t)(eq - line) - 1);
			struct aisp_source_image *cache = *name && *path ? cache_of(sources, name, seen) : NULL;
			char problem[256] = "";
			if (*name && *path && !cache)
				snprintf(problem, sizeof(problem), "more than %d identities mapped; %s is left out",
					 AISP_MAX_IDENTITY_SOURCES, name);
			else if (cache)
				aisp_source_image_apply(cache, core, instance, name, path, problem, sizeof(problem));
			if (problem[0] && ok) {
				snprintf(error, error_size, "%s", problem);
				ok = false;
			}
			bfree(name);
			bfree(path);
		}
		line = end ? end + 1 : NULL;
	}
	/* The core dropped the pictures of identities the settings no longer map: forget them here
	 * too, so that mapping one again sends its picture again. */
	for (size_t i = 0; i < sources->count; i++)
		if (!seen[i])
			aisp_source_image_reset(&sources->images[i]);
	return ok;
}

void aisp_identity_sources_reset(struct aisp_identity_sources *sources)
{
	for (size_t i = 0; i < sources->count; i++) {
		bfree(sources->names[i]);
		aisp_source_image_reset(&sources->images[i]);
	}
	sources->count = 0;
}
