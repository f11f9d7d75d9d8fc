/* The one-line status shown read-only in the filter's properties. */
#pragma once

#include <stddef.h>
#include "aisp.h"

/* Formats fps, latency, faces, provider and last error from stats. */
void aisp_status_format(const aisp_stats *stats, char *text, size_t size);
