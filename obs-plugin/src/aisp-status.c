#include "aisp-status.h"

#include <stdio.h>
#include <string.h>

void aisp_status_format(const aisp_stats *s, bool identities, char *text, size_t size)
{
	static const char *levels[] = {"quality", "balanced", "performance"};
	const aisp_stage_stats *total = &s->stages[AISP_STAGE_TOTAL];
	const aisp_stage_stats *detect = &s->stages[AISP_STAGE_DETECT];
	const char *level = s->quality >= 0 && s->quality <= 2 ? levels[s->quality] : "?";
	int n = snprintf(text, size,
			 "%.1f fps | frame %.1f ms (p95 %.1f), detect %.1f ms, analysis %.0f%% of a core | %u face%s | %s on %s | drawn on %s | %s, %.0f%% of budget | "
			 "result age %.0f ms | analysed %llu, dropped %llu, failed %llu",
			 s->fps, total->p50_ms, total->p95_ms, detect->p50_ms, s->analysis_share * 100.0, s->faces_last_frame,
			 s->faces_last_frame == 1 ? "" : "s", s->detector[0] ? s->detector : s->engine, s->execution_provider, s->compositor,
			 level, s->budget_share * 100.0, s->result_age_ms, (unsigned long long)s->frames_analysed,
			 (unsigned long long)s->frames_dropped, (unsigned long long)s->frames_failed);
	if (strcmp(s->engine, "privacy") == 0 && n > 0 && (size_t)n < size)
		n += snprintf(text + n, size - (size_t)n, ", %u covered", s->faces_covered);
	if (s->faces_over_budget && n > 0 && (size_t)n < size)
		n += snprintf(text + n, size - (size_t)n, " (%u over the per-face budget: boxes only)", s->faces_over_budget);
	if (identities && n > 0 && (size_t)n < size)
		n += snprintf(text + n, size - (size_t)n, " | %u known, %u unknown", s->faces_known,
			      s->faces_last_frame - s->faces_known);
	if (s->state[0] && n > 0 && (size_t)n < size)
		n += snprintf(text + n, size - (size_t)n, " | %s", s->state);
	if (s->alerts[0] && n > 0 && (size_t)n < size)
		n += snprintf(text + n, size - (size_t)n, " | alert: %s", s->alerts);
	if (s->notice[0] && n > 0 && (size_t)n < size)
		n += snprintf(text + n, size - (size_t)n, " | %s", s->notice);
	if (s->last_error[0] && n > 0 && (size_t)n < size)
		snprintf(text + n, size - (size_t)n, " | error: %s", s->last_error);
}
