using System.Globalization;
using System.Text.Json.Nodes;
using Aisp.Core.Control;

namespace Aisp.Server.Jobs;

/// <summary>How a job ended: its state is COMPLETED (succeeded, cancelled) or ERROR (failed).</summary>
public static class JobResults
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}

/// <summary>
/// One file job as the server keeps it. Its state uses the seed's names: INIT (created), WAITING
/// (queued), STARTING (worker loading models), PROCESSING (frames), COMPLETED (succeeded or
/// cancelled) and ERROR (failed, with the reason).
/// </summary>
public sealed record Job(
    long Id, FilterState State, string? Result, string Owner, string Input, string InputName, bool Uploaded, string OutputFormat,
    string Settings, DateTimeOffset Created, DateTimeOffset? Started, DateTimeOffset? Finished, int Done, int Total, string? Error, int Attempts, int? Pid)
{
    public bool IsFinished => State is FilterState.Completed or FilterState.Error;

    public bool Active => State is FilterState.Starting or FilterState.Processing;

    /// <summary>Where the job keeps its files (an uploaded input, the result, the worker's statistics).</summary>
    public static string Folder(ServerOptions options, long id) => Path.Combine(options.JobsDir, id.ToString(CultureInfo.InvariantCulture));

    public string ResultPath(ServerOptions options) => Path.Combine(Folder(options, Id), "result." + OutputFormat);

    public string StatsPath(ServerOptions options) => Path.Combine(Folder(options, Id), "stats.json");

    public double Progress => Result == JobResults.Succeeded ? 1 : Total > 0 ? Math.Min(1, (double)Done / Total) : 0;

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["state"] = FilterStates.Name(State),
        ["result"] = Result,
        ["owner"] = Owner,
        ["input"] = InputName,
        ["uploaded"] = Uploaded,
        ["output_format"] = OutputFormat,
        ["settings"] = JsonNode.Parse(Settings),
        ["created"] = Time(Created),
        ["started"] = Started is { } s ? Time(s) : null,
        ["finished"] = Finished is { } f ? Time(f) : null,
        ["progress"] = Math.Round(Progress, 3),
        ["frames"] = Done,
        ["total_frames"] = Total,
        ["error"] = Error,
        ["attempts"] = Attempts,
        ["result_url"] = Result == JobResults.Succeeded ? $"/api/v1/jobs/{Id}/result" : null,
    };

    private static string Time(DateTimeOffset t) => t.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
