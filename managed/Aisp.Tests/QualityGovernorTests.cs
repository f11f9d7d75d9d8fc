using Aisp.Core.Pipeline;

namespace Aisp.Tests;

public sealed class QualityGovernorTests
{
    private const double Interval = 33.3;

    [Fact]
    public void Light_load_stays_at_quality()
    {
        var g = new QualityGovernor(null);
        Feed(g, 0.2, 500);
        Assert.Equal(QualityLevel.Quality, g.Level);
        Assert.Equal(1, g.DetectEvery);
    }

    [Fact]
    public void Sustained_load_steps_down_only_after_the_hysteresis_window()
    {
        var g = new QualityGovernor(null);
        Feed(g, 0.45, QualityGovernor.UpFrames - 1);
        Assert.Equal(QualityLevel.Quality, g.Level);
        Feed(g, 0.45, 1);
        Assert.Equal(QualityLevel.Balanced, g.Level);
        Assert.Equal(3, g.DetectEvery);
        Feed(g, 0.8, QualityGovernor.UpFrames);
        Assert.Equal(QualityLevel.Performance, g.Level);
        Assert.Equal(6, g.DetectEvery);
    }

    [Fact]
    public void Load_hovering_around_a_threshold_does_not_flap()
    {
        var g = new QualityGovernor(null);
        int changes = 0;
        QualityLevel last = g.Level;
        for (int i = 0; i < 1000; i++)
        {
            g.Observe((i % 3 == 0 ? 0.26 : 0.34) * Interval, Interval); // mostly above 30 %, never 15 in a row
            changes += g.Level != last ? 1 : 0;
            last = g.Level;
        }

        Assert.Equal(0, changes);
    }

    [Fact]
    public void Recovery_needs_clearly_lower_load_for_longer()
    {
        var g = new QualityGovernor(null);
        Feed(g, 0.9, 2 * QualityGovernor.UpFrames);
        Assert.Equal(QualityLevel.Performance, g.Level);
        Feed(g, 0.55, 500); // under 60 % but inside the margin: stays
        Assert.Equal(QualityLevel.Performance, g.Level);
        Feed(g, 0.4, QualityGovernor.DownFrames - 1);
        Assert.Equal(QualityLevel.Performance, g.Level);
        Feed(g, 0.4, 1);
        Assert.Equal(QualityLevel.Balanced, g.Level);
        Feed(g, 0.1, QualityGovernor.DownFrames);
        Assert.Equal(QualityLevel.Quality, g.Level);
    }

    [Fact]
    public void A_fixed_level_never_changes_but_the_share_is_still_measured()
    {
        var g = new QualityGovernor(QualityLevel.Balanced);
        Feed(g, 0.95, 300);
        Assert.Equal(QualityLevel.Balanced, g.Level);
        Assert.InRange(g.BudgetShare, 0.9, 1.0);
    }

    private static void Feed(QualityGovernor g, double share, int frames)
    {
        for (int i = 0; i < frames; i++)
        {
            g.Observe(share * Interval, Interval);
        }
    }
}
