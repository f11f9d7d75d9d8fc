using Aisp.Core.Control;
using Aisp.Server.Events;
using Aisp.Server.Jobs;

namespace Aisp.Server.Metrics;

/// <summary>
/// The seed's alerts for the server's own machine and queue, judged as the plugin judges them
/// (<see cref="AlertMonitor"/>: the same thresholds, window and hysteresis), once a second: CPU,
/// memory, the file jobs waiting (queue) and the share of jobs that failed in the last ten minutes
/// (error rate). Raised and cleared alerts are PERFORMANCE_ALERT events from source "server",
/// each alert holding its state at least <see cref="HoldSeconds"/> (a machine's CPU swings with
/// every job). A tick that fails (the database on a full disk) is logged and the next one tries again.
/// </summary>
public sealed class ServerAlerts(SystemLoad load, JobStore jobs, EventHub events, ILogger<ServerAlerts> log) : BackgroundService
{
    public const string Source = "server";

    /// <summary>An alert raised stays raised, and one cleared stays cleared, at least this long.</summary>
    public const double HoldSeconds = 60;

    private static readonly TimeSpan ErrorWindow = TimeSpan.FromMinutes(10);
    private static readonly AlertRule[] Rules = [.. AlertRule.Seed.Select(r => r.Name == "queue" ? r with { Unit = "jobs waiting" } : r)];
    private readonly Lock _gate = new();
    private AlertMonitor? _monitor;
    private LoadSample _last = new(double.NaN, SystemLoad.MemoryPercent(), double.NaN, 0, double.NaN, double.NaN);

    /// <summary>The newest sample (CPU is measured here once a second, not per request, so it covers a whole second).</summary>
    public LoadSample Last
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>The alerts raised now, as "name level" words.</summary>
    public IReadOnlyList<string> Raised
    {
        get
        {
            lock (_gate)
            {
                return _monitor is null ? [] : [.. _monitor.Summary().Split(", ", StringSplitOptions.RemoveEmptyEntries)];
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _monitor = new AlertMonitor(e => events.Publish(e.Type, e.Time, Source, "", e.Payload), rules: Rules, holdSeconds: HoldSeconds);
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1));
        double seconds = 0;
        do
        {
            try
            {
                Sample(seconds++);
            }
#pragma warning disable CA1031 // an alert tick never stops the server (the host stops when a background service throws)
            catch (Exception e)
#pragma warning restore CA1031
            {
                log.LogWarning("Server alerts: this second's sample failed: {Message}", e.Message);
            }
        }
        while (await Tick(tick, stoppingToken).ConfigureAwait(false));
    }

    /// <summary>The next second, or false when the server stops (the timer's cancellation is the normal end, not a failure).</summary>
    private static async ValueTask<bool> Tick(PeriodicTimer tick, CancellationToken stopping)
    {
        try
        {
            return await tick.WaitForNextTickAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Sample(double seconds)
    {
        double cpu;
        lock (load) // its CPU reading is the change since the previous one
        {
            cpu = load.CpuPercent();
        }

        (int finished, int failed) = jobs.FinishedSince(DateTimeOffset.UtcNow - ErrorWindow);
        var sample = new LoadSample(cpu, SystemLoad.MemoryPercent(), double.NaN, jobs.Count(FilterState.Waiting), double.NaN,
            finished == 0 ? double.NaN : 100.0 * failed / finished);
        lock (_gate)
        {
            _last = sample;
            _monitor!.Add(seconds, sample);
        }
    }
}
