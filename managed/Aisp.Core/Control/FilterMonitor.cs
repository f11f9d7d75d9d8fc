using System.Text.Json.Nodes;
using Aisp.Core.Pipeline;

namespace Aisp.Core.Control;

/// <summary>
/// Watches one filter's pipeline from the host's control thread (never the frame thread): derives
/// its state (<see cref="FilterStateMachine"/>), raises the seed's alerts (<see cref="AlertMonitor"/>),
/// turns engine switches and new errors into events, and recovers a failing engine: ERROR, then
/// RETRY (reload) after 1, 2 and 4 s; when the third retry fails too, it falls back to the privacy
/// engine, which covers faces, and says so. Events queue until the host takes them.
/// </summary>
public sealed class FilterMonitor
{
    public const int MaxRetries = 3;
    public const double FirstBackoffSeconds = 1;

    /// <summary>A failure-free stretch this long forgets earlier retries.</summary>
    public const double HealthySeconds = 10;

    public const string FallbackEngine = Settings.EngineNames.Privacy;

    private readonly Lock _gate = new();
    private readonly Queue<ControlEvent> _events = new();
    private readonly FilterStateMachine _machine;
    private readonly AlertMonitor _alerts;
    private readonly SystemLoad _load = new();
    private readonly Func<FacePipeline?> _pipeline;
    private readonly Action _reload;
    private readonly Action<string> _fallback;
    private bool _paused, _starting, _fellBack;
    private string _engine = "", _lastError = "";
    private ulong _failed, _processed, _dropped;
    private double _lastTick = double.NaN, _failingSince = double.NaN, _healthySince = double.NaN, _nextRetry = double.NaN;
    private int _retries;

    /// <param name="pipeline">The pipeline, or null while it does not exist yet.</param>
    /// <param name="reload">Reloads the models and engine with the settings in effect (a retry); throws on failure.</param>
    /// <param name="fallback">Switches to the given engine after the retries are spent.</param>
    public FilterMonitor(Func<FacePipeline?> pipeline, Action reload, Action<string> fallback)
    {
        _pipeline = pipeline;
        _reload = reload;
        _fallback = fallback;
        _machine = new FilterStateMachine(Emit);
        _alerts = new AlertMonitor(Emit);
    }

    // Snapshots for readers that must never wait (the status line is read on OBS's graphics thread
    // while a retry may hold the gate for a model load).
    private volatile int _state;
    private volatile string _alertSummary = "";

    public FilterState State => (FilterState)_state;

    /// <summary>The alerts raised now ("cpu warning, latency warning"), "" when none.</summary>
    public string Alerts => _alertSummary;

    /// <summary>Models are loading (creation, or settings that need new ones).</summary>
    public void Starting(string reason)
    {
        lock (_gate)
        {
            _starting = true;
            _machine.MoveTo(FilterState.Starting, reason);
        }
    }

    public void Started()
    {
        lock (_gate)
        {
            _starting = false;
        }
    }

    public void SetPaused(bool paused)
    {
        lock (_gate)
        {
            _paused = paused;
            if (paused)
            {
                _machine.MoveTo(FilterState.Paused, "filter disabled");
            }
        }
    }

    public void Completed()
    {
        lock (_gate)
        {
            _machine.MoveTo(FilterState.Completed, "filter removed");
        }
    }

    public bool TryTake(out ControlEvent ev)
    {
        lock (_gate)
        {
            return _events.TryDequeue(out ev!);
        }
    }

    /// <summary>One look at the pipeline, at <paramref name="seconds"/> of a monotonic clock (the host calls it a few times a second).</summary>
    public void Tick(double seconds)
    {
        lock (_gate)
        {
            FacePipeline? pipeline = _pipeline();
            if (pipeline is null || _machine.State == FilterState.Completed)
            {
                return;
            }

            StatsCounters c = pipeline.Stats.Read([]);
            double dt = double.IsNaN(_lastTick) ? 0 : seconds - _lastTick;
            _lastTick = seconds;
            bool failing = Observe(c, dt, seconds);
            EngineEvents(c);
            if (_paused || _starting)
            {
                return;
            }

            if (failing || _machine.State is FilterState.Error or FilterState.Retry)
            {
                Recover(failing, seconds, c);
                return;
            }

            _healthySince = double.IsNaN(_healthySince) ? seconds : _healthySince;
            if (seconds - _healthySince >= HealthySeconds)
            {
                (_retries, _fellBack) = (0, false); // a later failure starts over
            }

            _machine.MoveTo(c.Notice.Contains("no source face", StringComparison.Ordinal) ? FilterState.Waiting
                : c.FacesLastFrame > 0 ? FilterState.Processing : FilterState.Idle, "frames flowing");
        }
    }

    /// <summary>Feeds the alerts; true when frames failed since the last look or analysis is stalled.</summary>
    private bool Observe(in StatsCounters c, double dt, double seconds)
    {
        ulong failed = c.FramesFailed - Math.Min(_failed, c.FramesFailed), processed = c.FramesProcessed - Math.Min(_processed, c.FramesProcessed);
        ulong dropped = c.FramesDropped - Math.Min(_dropped, c.FramesDropped);
        (_failed, _processed, _dropped) = (c.FramesFailed, c.FramesProcessed, c.FramesDropped);
        if (dt > 0)
        {
            Span<StageLatency> stages = stackalloc StageLatency[(int)Stage.Total + 1];
            _pipeline()!.Stats.Read(stages);
            double latency = Math.Max(stages[(int)Stage.Total].P95Ms, stages[(int)Stage.Detect].P95Ms);
            double errorRate = processed + failed == 0 ? 0 : 100.0 * failed / (processed + failed);
            _alerts.Add(seconds, new LoadSample(_load.CpuPercent(), SystemLoad.MemoryPercent(), double.NaN, dropped / dt, latency, errorRate));
        }

        if (c.LastError.Length > 0 && c.LastError != _lastError)
        {
            Emit(new ControlEvent(ControlEvent.SystemError, DateTimeOffset.UtcNow, new JsonObject { ["kind"] = c.LastErrorKind.ToString(), ["message"] = c.LastError }));
        }

        _lastError = c.LastError;
        return failed > 0 || c.LastError == FailClosedGuard.StallError;
    }

    private void EngineEvents(in StatsCounters c)
    {
        if (c.Engine == _engine)
        {
            return;
        }

        if (_engine.Length > 0)
        {
            Emit(new ControlEvent(ControlEvent.EngineStopped, DateTimeOffset.UtcNow, new JsonObject { ["engine"] = _engine }));
        }

        Emit(new ControlEvent(ControlEvent.EngineStarted, DateTimeOffset.UtcNow, new JsonObject { ["engine"] = c.Engine, ["detector"] = c.Detector, ["execution_provider"] = c.ExecutionProvider }));
        _engine = c.Engine;
    }

    /// <summary>ERROR, then RETRY (a reload) after 1, 2 and 4 s, STARTING again; when the retries are spent, the fallback engine.</summary>
    private void Recover(bool failing, double seconds, in StatsCounters c)
    {
        if (!failing)
        {
            // In ERROR with no new failure (the last one was before this look): recovered once a second passes clean.
            _healthySince = double.IsNaN(_healthySince) ? seconds : _healthySince;
            if (seconds - _healthySince >= 1)
            {
                _machine.MoveTo(c.FacesLastFrame > 0 ? FilterState.Processing : FilterState.Idle, "recovered");
            }

            return;
        }

        _healthySince = double.NaN;
        if (_machine.State != FilterState.Error)
        {
            _machine.MoveTo(FilterState.Error, c.LastError.Length > 0 ? c.LastError : "frames failing");
            _failingSince = seconds;
            _nextRetry = seconds + (FirstBackoffSeconds * (1 << Math.Min(_retries, MaxRetries)));
            return;
        }

        if (seconds < _nextRetry)
        {
            return;
        }

        if (_retries >= MaxRetries)
        {
            if (!_fellBack)
            {
                _fellBack = true;
                Emit(new ControlEvent(ControlEvent.SystemError, DateTimeOffset.UtcNow, new JsonObject
                {
                    ["kind"] = "fallback",
                    ["message"] = $"engine {c.Engine} kept failing after {MaxRetries} retries; switched to {FallbackEngine}, which covers faces",
                }));
                _fallback(FallbackEngine);
            }

            return;
        }

        _retries++;
        _machine.MoveTo(FilterState.Retry, $"retry {_retries} of {MaxRetries} after {seconds - _failingSince:F1} s in error");
        try
        {
            _reload();
            _machine.MoveTo(FilterState.Starting, "reloaded");
        }
        catch (AispException e)
        {
            Emit(new ControlEvent(ControlEvent.SystemError, DateTimeOffset.UtcNow, new JsonObject { ["kind"] = e.Kind.ToString(), ["message"] = e.Message }));
            _machine.MoveTo(FilterState.Error, "reload failed");
            _failingSince = seconds;
            _nextRetry = seconds + (FirstBackoffSeconds * (1 << Math.Min(_retries, MaxRetries)));
        }

        (_failed, _processed) = (c.FramesFailed, c.FramesProcessed);
    }

    private void Emit(ControlEvent ev)
    {
        _state = (int)_machine.State;
        _alertSummary = _alerts?.Summary() ?? "";
        if (_events.Count < 256)
        {
            _events.Enqueue(ev); // a host that never takes them loses the oldest news, never memory
        }
    }
}
