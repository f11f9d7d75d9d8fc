using System.Text.Json.Nodes;
using Aisp.Core.Control;
using Aisp.Server.Obs;

namespace Aisp.Server.Metrics;

/// <summary>One filter's numbers, as its status reports them.</summary>
public sealed record FilterMetrics(string Source, string Filter, string State, double Fps, double LatencyP95Ms, int Faces, double ErrorRatePercent, IReadOnlyList<string> Alerts);

/// <summary>The server's own numbers: its file jobs and its alerts.</summary>
public sealed record ServerMetrics(int JobsWaiting, int JobsRunning, double JobErrorRatePercent, IReadOnlyList<string> Alerts);

/// <summary>What the metrics endpoints show: the machine's load, OBS's connection, the server's queue, and every AISP filter.</summary>
public sealed record MetricsSnapshot(double CpuPercent, double MemoryPercent, string Obs, ServerMetrics Server, IReadOnlyList<FilterMetrics> Filters)
{
    /// <summary>The machine's load as the alerts last sampled it, the job queue, and through the bridge each filter's status; without OBS the filter list is empty and <see cref="Obs"/> says why.</summary>
    public static async Task<MetricsSnapshot> TakeAsync(ObsBridge obs, ServerAlerts alerts, Jobs.JobScheduler scheduler, CancellationToken ct)
    {
        LoadSample machine = alerts.Last;
        var server = new ServerMetrics((int)machine.Queue, scheduler.Running, machine.ErrorRate, alerts.Raised);
        var filters = new List<FilterMetrics>();
        try
        {
            JsonNode listed = await obs.VendorAsync("ListFilters", [], ct);
            foreach (JsonNode? f in listed["filters"]?.AsArray() ?? [])
            {
                string source = (string?)f?["source"] ?? "", filter = (string?)f?["filter"] ?? "";
                JsonNode? s = (await obs.VendorAsync("GetStatus", new JsonObject { ["source"] = source, ["filter"] = filter }, ct))["status"];
                if (s is null)
                {
                    continue; // removed meanwhile
                }

                double processed = (double?)s["frames_processed"] ?? 0, failed = (double?)s["frames_failed"] ?? 0;
                string raised = (string?)s["alerts"] ?? "";
                filters.Add(new FilterMetrics(source, filter, (string?)s["state"] ?? "", (double?)s["fps"] ?? 0,
                    (double?)s["stages"]?["total"]?["p95_ms"] ?? 0, (int?)s["faces"] ?? 0,
                    processed + failed == 0 ? 0 : 100 * failed / (processed + failed),
                    raised.Split(", ", StringSplitOptions.RemoveEmptyEntries)));
            }
        }
        catch (ObsUnavailableException)
        {
            // Shown as the OBS state; the machine's numbers still count.
        }

        return new MetricsSnapshot(machine.Cpu, machine.Memory, obs.State, server, filters);
    }

    public JsonObject ToJson() => new()
    {
        ["system"] = new JsonObject
        {
            ["cpu_percent"] = double.IsNaN(CpuPercent) ? null : Math.Round(CpuPercent, 1),
            ["memory_percent"] = double.IsNaN(MemoryPercent) ? null : Math.Round(MemoryPercent, 1),
            ["gpu_percent"] = null, // no GPU load counter is visible to this build
        },
        ["obs"] = Obs,
        ["server"] = new JsonObject
        {
            ["jobs_waiting"] = Server.JobsWaiting,
            ["jobs_running"] = Server.JobsRunning,
            ["job_error_rate_percent"] = double.IsNaN(Server.JobErrorRatePercent) ? null : Math.Round(Server.JobErrorRatePercent, 1),
            ["alerts"] = new JsonArray(Server.Alerts.Select(a => (JsonNode)a).ToArray()),
        },
        ["filters"] = new JsonArray(Filters.Select(f => (JsonNode)new JsonObject
        {
            ["source"] = f.Source,
            ["filter"] = f.Filter,
            ["state"] = f.State,
            ["fps"] = Math.Round(f.Fps, 2),
            ["latency_p95_ms"] = Math.Round(f.LatencyP95Ms, 2),
            ["faces"] = f.Faces,
            ["error_rate_percent"] = Math.Round(f.ErrorRatePercent, 2),
            ["alerts"] = new JsonArray(f.Alerts.Select(a => (JsonNode)a).ToArray()),
        }).ToArray()),
    };
}
