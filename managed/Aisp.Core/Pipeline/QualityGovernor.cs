namespace Aisp.Core.Pipeline;

/// <summary>Quality levels (values equal aisp_quality).</summary>
public enum QualityLevel
{
    Quality = 0,
    Balanced = 1,
    Performance = 2,
}

/// <summary>
/// Adaptive quality: from the share of the frame budget the pipeline uses (analysis plus
/// compositing time over the time between frames), "quality" under 30 %, "balanced" from 30 to
/// 60 %, "performance" over 60 %. Hysteresis keeps it from flapping: a level is left upwards only
/// after <see cref="UpFrames"/> frames in a row above its ceiling, and downwards only after
/// <see cref="DownFrames"/> frames in a row clearly (a margin of <see cref="Margin"/>) below its floor.
/// A fixed level from the settings disables adaptation.
/// </summary>
public sealed class QualityGovernor
{
    public const double BalancedAbove = 0.30, PerformanceAbove = 0.60, Margin = 0.08;
    public const int UpFrames = 15, DownFrames = 60;

    private readonly QualityLevel? _fixed;
    private int _above, _below;
    private double _share;

    public QualityGovernor(QualityLevel? fixedLevel)
    {
        _fixed = fixedLevel;
        Level = fixedLevel ?? QualityLevel.Quality;
    }

    public QualityLevel Level { get; private set; }

    /// <summary>Smoothed share of the frame budget in use (0.25 = a quarter of the time between frames).</summary>
    public double BudgetShare => _share;

    /// <summary>Detection runs every this many analysed frames; landmarks track the faces in between.</summary>
    public int DetectEvery => Level switch
    {
        QualityLevel.Quality => 1,
        QualityLevel.Balanced => 3,
        _ => 6,
    };

    public void Observe(double busyMs, double frameIntervalMs)
    {
        if (frameIntervalMs <= 0)
        {
            return;
        }

        double share = busyMs / frameIntervalMs;
        _share = _share == 0 ? share : (_share * 0.9) + (share * 0.1);
        if (_fixed is not null)
        {
            return;
        }

        double ceiling = Level switch { QualityLevel.Quality => BalancedAbove, QualityLevel.Balanced => PerformanceAbove, _ => double.MaxValue };
        double floor = Level switch { QualityLevel.Performance => PerformanceAbove, QualityLevel.Balanced => BalancedAbove, _ => double.MinValue };
        _above = share > ceiling ? _above + 1 : 0;
        _below = share < floor - Margin ? _below + 1 : 0;
        if (_above >= UpFrames)
        {
            Level++;
            (_above, _below) = (0, 0);
        }
        else if (_below >= DownFrames)
        {
            Level--;
            (_above, _below) = (0, 0);
        }
    }
}
