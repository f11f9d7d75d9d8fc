/* The one-line status shown read-only in the filter's properties. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include "aisp.h"

/* Formats fps, latency, faces (known and unknown, when a face library is in use), provider and last error from stats. */
void aisp_status_format(const aisp_stats *stats, bool identities, char *text, size_t size);
