using System.Text;
using System.Text.Json;
using Aisp.Core.Pipeline;

namespace Aisp.Cli;

/// <summary>Writes the statistics the CLI prints: the run's own fields around the core's status (<see cref="StatusJson"/>, the shape OBS's GetStatus and the server show).</summary>
public static class StatsJson
{
    public static string Write(PipelineStats stats, string input, string output, int framesIn, double wallSeconds, long framesCoveredOnFailure = 0)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("input", input);
            w.WriteString("output", output);
            w.WriteNumber("frames_in", framesIn);
            w.WriteNumber("frames_covered_on_failure", framesCoveredOnFailure);
            w.WriteNumber("wall_seconds", Math.Round(wallSeconds, 3));
            StatusJson.WriteFields(w, stats, monitor: null, fps: wallSeconds > 0 ? framesIn / wallSeconds : 0);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
