using Aisp.Core.Engines;
using Aisp.Core.Settings;

namespace Aisp.Core.Pipeline;

/// <summary>
/// The frame budget: how long frames come apart (smoothed from their timestamps), what share of
/// that time analysis and drawing take, and the quality level that follows from it
/// (<see cref="QualityGovernor"/>), handed to the engine in use whenever it changes.
/// </summary>
internal sealed class FrameBudget
{
    private QualityGovernor _governor;
    private QualityLevel? _fixed;
    private QualityLevel _engineLevel = (QualityLevel)(-1);
    private long _lastFrameNs = -1;
    private double _frameIntervalMs = 1000.0 / 30;

    public FrameBudget(PipelineSettings settings)
    {
        _fixed = FixedLevel(settings);
        _governor = new QualityGovernor(_fixed);
    }

    /// <summary>The governor in effect (read by detection for its cadence).</summary>
    public QualityGovernor Governor => Volatile.Read(ref _governor);

    public QualityLevel Level => Governor.Level;

    public double BudgetShare => Governor.BudgetShare;

    /// <summary>New settings: a newly fixed level (or "auto" again) starts a new governor; otherwise it keeps what it learnt.</summary>
    public void Follow(PipelineSettings settings)
    {
        QualityLevel? level = FixedLevel(settings);
        if (level != _fixed)
        {
            _fixed = level;
            Volatile.Write(ref _governor, new QualityGovernor(level));
        }
    }

    /// <summary>Tells the engine the level when it changed since the engine last heard it.</summary>
    public void HandTo(IFrameEngine engine)
    {
        if (_engineLevel != Level)
        {
            _engineLevel = Level;
            engine.SetQuality(_engineLevel);
        }
    }

    /// <summary>Another engine took over: it has heard no level yet.</summary>
    public void EngineChanged() => _engineLevel = (QualityLevel)(-1);

    /// <summary>One frame done: its timestamp, the analysis time of the result it got and its own drawing time.</summary>
    public void Observe(long timestampNs, double analysisMs, double drawMs)
    {
        if (_lastFrameNs >= 0 && timestampNs > _lastFrameNs)
        {
            double interval = (timestampNs - _lastFrameNs) / 1e6;
            _frameIntervalMs = (_frameIntervalMs * 0.9) + (Math.Clamp(interval, 1, 1000) * 0.1);
        }

        _lastFrameNs = timestampNs;
        Governor.Observe(analysisMs + drawMs, _frameIntervalMs);
    }

    /// <summary>
    /// The level the settings fix, or null to adapt. Sync analysis (CLI, QA) has no real-time budget
    /// to adapt to and must give the same output on every run, so "auto" means "quality" there.
    /// </summary>
    private static QualityLevel? FixedLevel(PipelineSettings s) => s.Quality switch
    {
        QualityModes.Quality => QualityLevel.Quality,
        QualityModes.Balanced => QualityLevel.Balanced,
        QualityModes.Performance => QualityLevel.Performance,
        _ when s.Analysis == AnalysisModes.Sync => QualityLevel.Quality,
        _ => null,
    };
}
