#include "aisp-status.h"

#include <stdio.h>

void aisp_status_format(const aisp_stats *s, char *text, size_t size)
{
	const aisp_stage_stats *total = &s->stages[AISP_STAGE_TOTAL];
	int n = snprintf(text, size, "%.1f fps | %.1f ms (p95 %.1f) | %u face%s | %s on %s | frames %llu, failed %llu",
			 s->fps, total->p50_ms, total->p95_ms, s->faces_last_frame, s->faces_last_frame == 1 ? "" : "s",
			 s->detector[0] ? s->detector : s->engine, s->execution_provider,
			 (unsigned long long)s->frames_processed, (unsigned long long)s->frames_failed);
	if (s->notice[0] && n > 0 && (size_t)n < size)
		n += snprintf(text + n, size - (size_t)n, " | %s", s->notice);
	if (s->last_error[0] && n > 0 && (size_t)n < size)
		snprintf(text + n, size - (size_t)n, " | error: %s", s->last_error);
}
