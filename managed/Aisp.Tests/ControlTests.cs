using System.Text.Json.Nodes;
using Aisp.Core;
using Aisp.Core.Control;
using Aisp.Core.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aisp.Tests;

/// <summary>The seed's state machine, alerts with hysteresis, and a failing engine's recovery (ERROR, RETRY with backoff, fallback).</summary>
public sealed class ControlTests
{
    private static readonly FilterState[] All = Enum.GetValues<FilterState>();

    /// <summary>The seed's transitions, written out independently of the code's table.</summary>
    private static readonly HashSet<(string, string)> Seed =
    [
        ("INIT", "STARTING"), ("INIT", "WAITING"), ("INIT", "ERROR"), ("INIT", "COMPLETED"),
        ("WAITING", "STARTING"), ("WAITING", "IDLE"), ("WAITING", "PROCESSING"), ("WAITING", "PAUSED"), ("WAITING", "ERROR"), ("WAITING", "COMPLETED"),
        ("STARTING", "IDLE"), ("STARTING", "PROCESSING"), ("STARTING", "WAITING"), ("STARTING", "PAUSED"), ("STARTING", "ERROR"), ("STARTING", "COMPLETED"),
        ("IDLE", "PROCESSING"), ("IDLE", "WAITING"), ("IDLE", "STARTING"), ("IDLE", "PAUSED"), ("IDLE", "ERROR"), ("IDLE", "COMPLETED"),
        ("PROCESSING", "IDLE"), ("PROCESSING", "WAITING"), ("PROCESSING", "STARTING"), ("PROCESSING", "PAUSED"), ("PROCESSING", "ERROR"), ("PROCESSING", "COMPLETED"),
        ("PAUSED", "IDLE"), ("PAUSED", "PROCESSING"), ("PAUSED", "WAITING"), ("PAUSED", "STARTING"), ("PAUSED", "COMPLETED"),
        ("ERROR", "RETRY"), ("ERROR", "STARTING"), ("ERROR", "PAUSED"), ("ERROR", "COMPLETED"),
        ("RETRY", "STARTING"), ("RETRY", "ERROR"), ("RETRY", "COMPLETED"),
    ];

    [Fact]
    public void Only_the_seeds_transitions_happen_and_every_state_is_reached_by_them()
    {
        Assert.Equal(["INIT", "WAITING", "STARTING", "IDLE", "PROCESSING", "PAUSED", "ERROR", "RETRY", "COMPLETED"], All.Select(FilterStates.Name));
        foreach (FilterState from in All)
        {
            foreach (FilterState to in All)
            {
                Assert.Equal(Seed.Contains((FilterStates.Name(from), FilterStates.Name(to))), FilterStates.CanMove(from, to));
                if (from == to || from == FilterState.Completed || to == FilterState.Init)
                {
                    Assert.Empty(FilterStates.Path(from, to));
                    continue;
                }

                // Every state is reachable from every live one, step by allowed step, and a machine walks exactly those steps.
                IReadOnlyList<FilterState> path = FilterStates.Path(from, to);
                Assert.NotEmpty(path);
                var events = new List<ControlEvent>();
                var machine = new FilterStateMachine(events.Add);
                Assert.True(machine.MoveTo(from, "setup") || from == FilterState.Init);
                events.Clear();
                Assert.True(machine.MoveTo(to, "test"));
                Assert.Equal(to, machine.State);
                FilterState at = from;
                foreach (ControlEvent e in events)
                {
                    Assert.Equal(ControlEvent.StateChanged, e.Type);
                    Assert.Equal(FilterStates.Name(at), (string?)e.Payload["from"]);
                    Assert.True(Seed.Contains((FilterStates.Name(at), (string)e.Payload["to"]!)), $"{FilterStates.Name(at)} -> {e.Payload["to"]}");
                    at = All.Single(s => FilterStates.Name(s) == (string)e.Payload["to"]!);
                }

                Assert.Equal(to, at);
            }
        }

        var done = new FilterStateMachine(_ => { });
        done.MoveTo(FilterState.Completed, "removed");
        Assert.False(done.MoveTo(FilterState.Idle, "after removal"));
        Assert.Equal(FilterState.Completed, done.State);
    }

    [Fact]
    public void Alerts_use_the_seeds_thresholds_and_are_raised_once_and_cleared_once()
    {
        Assert.Equal(
            [("cpu", "warning", 80.0), ("memory", "warning", 85.0), ("gpu", "critical", 90.0), ("queue", "warning", 100.0), ("latency", "warning", 500.0), ("error_rate", "critical", 5.0)],
            AlertRule.Seed.Select(r => (r.Name, r.Level, r.Threshold)));
        var events = new List<ControlEvent>();
        var alerts = new AlertMonitor(events.Add, windowSeconds: 3);
        double t = 0;
        void Feed(double cpu, double latency, double errors, double seconds)
        {
            for (double end = t + seconds; t < end; t += 0.25)
            {
                alerts.Add(t, new LoadSample(cpu, 40, double.NaN, 2, latency, errors));
            }
        }

        Feed(cpu: 50, latency: 20, errors: 0, seconds: 4);
        Assert.Empty(events);
        Feed(cpu: 95, latency: 700, errors: 10, seconds: 4);
        Assert.Equal(["cpu raised warning", "error_rate raised critical", "latency raised warning"], events.Select(Describe).Order());
        Assert.Equal("cpu warning, latency warning, error_rate critical", alerts.Summary());
        events.Clear();
        Feed(cpu: 76, latency: 460, errors: 4.8, seconds: 6); // under the line but within 10 % of it: still raised
        Assert.Empty(events);
        Feed(cpu: 60, latency: 100, errors: 0, seconds: 6);
        Assert.Equal(["cpu cleared warning", "error_rate cleared critical", "latency cleared warning"], events.Select(Describe).Order());
        Assert.Equal("", alerts.Summary());
        Assert.DoesNotContain(events, e => (string?)e.Payload["alert"] == "gpu"); // no GPU load visible here: never judged
    }

    [Fact]
    public void A_failing_engine_goes_to_error_retries_three_times_with_backoff_then_falls_back_to_privacy()
    {
        using FacePipeline pipeline = SwapFixtures.WithSource(TestAssets.Json(extra: "\"engine\":\"morph\""));
        int reloads = 0;
        var monitor = new FilterMonitor(() => pipeline, () => { reloads++; pipeline.Reload(); }, engine => pipeline.Update($$"""{"engine":"{{engine}}"}"""));
        monitor.Starting("created");
        monitor.Started();
        var events = new List<ControlEvent>();
        double t = 100;
        void Look(bool fail)
        {
            if (fail)
            {
                pipeline.Stats.RecordError(ErrorKind.Inference, "swap model failed", frameFailed: true);
            }

            monitor.Tick(t);
            t += 0.25;
            while (monitor.TryTake(out ControlEvent e))
            {
                events.Add(e);
            }
        }

        Look(fail: false);
        Look(fail: false);
        Assert.Contains(events, e => e.Type == ControlEvent.EngineStarted && (string?)e.Payload["engine"] == "morph");
        Assert.Equal(FilterState.Idle, monitor.State);

        var backoffs = new List<double>();
        double errorSince = double.NaN;
        for (int i = 0; i < 80 && !events.Any(e => (string?)e.Payload["kind"] == "fallback"); i++)
        {
            int before = reloads, seen = events.Count;
            double at = t;
            Look(fail: true);
            if (events.Skip(seen).Any(e => e.Type == ControlEvent.StateChanged && (string?)e.Payload["to"] == "ERROR"))
            {
                errorSince = at;
            }

            if (reloads > before)
            {
                backoffs.Add(at - errorSince);
            }
        }

        string[] states = events.Where(e => e.Type == ControlEvent.StateChanged).Select(e => $"{e.Payload["from"]}>{e.Payload["to"]}").ToArray();
        Assert.Equal(3, reloads);
        Assert.Equal([1.0, 2.0, 4.0], backoffs); // the first look at or after ERROR + 1, 2, 4 s (looks every 0.25 s)
        Assert.Equal(3, states.Count(s => s == "ERROR>RETRY"));
        Assert.Equal(3, states.Count(s => s == "RETRY>STARTING"));
        Assert.All(states, s => Assert.Contains((s.Split('>')[0], s.Split('>')[1]), Seed));
        Assert.Contains(events, e => e.Type == ControlEvent.SystemError && (string?)e.Payload["message"] == "swap model failed");
        ControlEvent fallback = Assert.Single(events, e => (string?)e.Payload["kind"] == "fallback");
        Assert.Contains("switched to privacy, which covers faces", (string)fallback.Payload["message"]!, StringComparison.Ordinal);

        // The fallback engine takes over at the next frame; the monitor reports the switch.
        using var buffers = new Aisp.Cli.FrameBuffers(Aisp.Core.Frames.PixelFormat.Bgra);
        using OpenCvSharp.Mat photo = TestAssets.Load(TestAssets.Astronaut);
        buffers.Load(photo);
        pipeline.Process(buffers.AsFrame(1));
        Look(fail: false);
        Assert.Contains(events, e => e.Type == ControlEvent.EngineStopped && (string?)e.Payload["engine"] == "morph");
        Assert.Contains(events, e => e.Type == ControlEvent.EngineStarted && (string?)e.Payload["engine"] == "privacy");
    }

    [Fact]
    public void Pausing_and_removal_are_states_and_events_go_out_as_the_seeds_json()
    {
        using FacePipeline pipeline = FacePipeline.Create(TestAssets.Json(), NullLoggerFactory.Instance);
        var monitor = new FilterMonitor(() => pipeline, pipeline.Reload, _ => { });
        monitor.Starting("created");
        monitor.Started();
        monitor.Tick(1);
        monitor.SetPaused(true);
        monitor.Tick(2);
        Assert.Equal(FilterState.Paused, monitor.State);
        monitor.SetPaused(false);
        monitor.Tick(3);
        Assert.Equal(FilterState.Idle, monitor.State);
        monitor.Completed();
        var json = new List<JsonNode>();
        while (monitor.TryTake(out ControlEvent e))
        {
            json.Add(JsonNode.Parse(e.ToJson())!);
        }

        Assert.All(json, j => Assert.True(DateTimeOffset.TryParse((string?)j["time"], out _)));
        Assert.Equal(["INIT>STARTING", "STARTING>IDLE", "IDLE>PAUSED", "PAUSED>IDLE", "IDLE>COMPLETED"],
            json.Where(j => (string?)j["type"] == "STATE_CHANGED").Select(j => $"{j["payload"]!["from"]}>{j["payload"]!["to"]}"));
    }

    [Fact]
    public void A_load_swinging_across_both_lines_raises_and_clears_at_most_once_per_hold()
    {
        // A busy server's CPU: 100 % for 5 s, 0 % for 5 s, for ten minutes (the issue's flapping CPU alert).
        var held = new List<ControlEvent>();
        var plain = new List<ControlEvent>();
        var withHold = new AlertMonitor(held.Add, holdSeconds: 60);
        var without = new AlertMonitor(plain.Add);
        for (int t = 0; t < 600; t++)
        {
            var sample = new LoadSample(t / 5 % 2 == 0 ? 100 : 0, 40, double.NaN, 0, double.NaN, double.NaN);
            withHold.Add(t, sample);
            without.Add(t, sample);
        }

        Assert.True(plain.Count > 100, $"the swing itself flaps: {plain.Count} events");
        Assert.InRange(held.Count(e => (string?)e.Payload["alert"] == "cpu"), 2, 600 / 60 + 1);
        Assert.Equal(["raised", "cleared"], held.Take(2).Select(e => (string)e.Payload["state"]!)); // still raised and cleared in turn
    }

    private static string Describe(ControlEvent e) => $"{e.Payload["alert"]} {e.Payload["state"]} {e.Payload["level"]}";
}
