using System.Text;
using System.Text.Json;
using Aisp.Core.Control;

namespace Aisp.Core.Pipeline;

/// <summary>
/// A filter instance's status as JSON, in the one shape every surface shows: the OBS vendor's
/// GetStatus (and the server and dashboard, which relay it) through aisp_status_json, and the
/// CLI's statistics, which add the run's own fields around it. Times are milliseconds, named
/// so (<c>result_age_ms</c>, <c>stages.detect.p95_ms</c>).
/// </summary>
public static class StatusJson
{
    /// <summary>The stages by <see cref="Stage"/> order.</summary>
    public static readonly string[] StageNames = ["handoff", "detect", "landmarks", "engine", "composite", "total", "cover"];

    /// <summary>The whole status object; <paramref name="stats"/> null gives the status of an instance that has none yet (all zero).</summary>
    public static string Write(PipelineStats? stats, FilterMonitor? monitor)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            WriteFields(w, stats ?? new PipelineStats(), monitor);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Writes the status's fields into the object <paramref name="w"/> is writing; <paramref name="fps"/> replaces the measured rate (a file run's frames over its wall time).</summary>
    public static void WriteFields(Utf8JsonWriter w, PipelineStats stats, FilterMonitor? monitor, double? fps = null)
    {
        Span<StageLatency> stages = stackalloc StageLatency[PipelineStats.StageCount];
        StatsCounters c = stats.Read(stages);
        if (monitor is not null)
        {
            w.WriteString("state", FilterStates.Name(monitor.State));
            w.WriteString("alerts", monitor.Alerts);
        }

        w.WriteString("engine", c.Engine);
        w.WriteString("detector", c.Detector);
        w.WriteString("execution_provider", c.ExecutionProvider);
        w.WriteString("compositor", c.Compositor);
        w.WriteString("quality", c.Quality.ToString().ToLowerInvariant());
        w.WriteNumber("fps", Math.Round(fps ?? c.Fps, 2));
        w.WriteNumber("faces", c.FacesLastFrame);
        w.WriteNumber("faces_known", c.FacesKnown);
        w.WriteNumber("faces_covered", c.FacesCovered);
        w.WriteNumber("faces_over_budget", c.FacesOverBudget);
        w.WriteNumber("frames_processed", c.FramesProcessed);
        w.WriteNumber("frames_analysed", c.FramesAnalysed);
        w.WriteNumber("frames_dropped", c.FramesDropped);
        w.WriteNumber("frames_failed", c.FramesFailed);
        w.WriteNumber("errors", c.Errors);
        w.WriteNumber("result_age_ms", Math.Round(c.ResultAgeMs, 3));
        w.WriteNumber("budget_share", Math.Round(c.BudgetShare, 3));
        w.WriteNumber("analysis_share", Math.Round(c.AnalysisShare, 3));
        w.WriteString("notice", c.Notice);
        w.WriteString("last_error", c.LastError);
        w.WriteStartObject("stages");
        for (int i = 0; i < stages.Length; i++)
        {
            w.WriteStartObject(StageNames[i]);
            w.WriteNumber("last_ms", Math.Round(stages[i].LastMs, 3));
            w.WriteNumber("p50_ms", Math.Round(stages[i].P50Ms, 3));
            w.WriteNumber("p95_ms", Math.Round(stages[i].P95Ms, 3));
            w.WriteNumber("p99_ms", Math.Round(stages[i].P99Ms, 3));
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }
}
