using System.Text;
using System.Text.Json;
using Aisp.Core.Pipeline;

namespace Aisp.Cli;

/// <summary>Writes the pipeline statistics as the JSON the CLI prints (same names as aisp_stats).</summary>
public static class StatsJson
{
    private static readonly string[] StageNames = ["handoff", "detect", "landmarks", "engine", "composite", "total", "cover"];

    public static string Write(PipelineStats stats, string input, string output, int framesIn, double wallSeconds, long framesCoveredOnFailure = 0)
    {
        Span<StageLatency> stages = stackalloc StageLatency[PipelineStats.StageCount];
        StatsCounters c = stats.Read(stages);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("input", input);
            w.WriteString("output", output);
            w.WriteNumber("frames_in", framesIn);
            w.WriteNumber("frames_processed", c.FramesProcessed);
            w.WriteNumber("frames_failed", c.FramesFailed);
            w.WriteNumber("errors", c.Errors);
            w.WriteNumber("frames_analysed", c.FramesAnalysed);
            w.WriteNumber("frames_covered_on_failure", framesCoveredOnFailure);
            w.WriteNumber("frames_dropped", c.FramesDropped);
            w.WriteNumber("faces_last_frame", c.FacesLastFrame);
            w.WriteNumber("faces_covered", c.FacesCovered);
            w.WriteNumber("faces_over_budget", c.FacesOverBudget);
            w.WriteNumber("result_age_ms", Math.Round(c.ResultAgeMs, 3));
            w.WriteString("quality", c.Quality.ToString().ToLowerInvariant());
            w.WriteNumber("budget_share", Math.Round(c.BudgetShare, 3));
            w.WriteNumber("wall_seconds", Math.Round(wallSeconds, 3));
            w.WriteNumber("fps", wallSeconds > 0 ? Math.Round(framesIn / wallSeconds, 2) : 0);
            w.WriteString("engine", c.Engine);
            w.WriteString("detector", c.Detector);
            w.WriteString("execution_provider", c.ExecutionProvider);
            w.WriteString("compositor", c.Compositor);
            w.WriteString("last_error", c.LastError);
            w.WriteString("notice", c.Notice);
            w.WriteStartObject("stages_ms");
            for (int i = 0; i < stages.Length; i++)
            {
                w.WriteStartObject(StageNames[i]);
                w.WriteNumber("last", Math.Round(stages[i].LastMs, 3));
                w.WriteNumber("p50", Math.Round(stages[i].P50Ms, 3));
                w.WriteNumber("p95", Math.Round(stages[i].P95Ms, 3));
                w.WriteNumber("p99", Math.Round(stages[i].P99Ms, 3));
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
