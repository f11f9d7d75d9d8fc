namespace Aisp.Core.Pipeline;

/// <summary>Timed pipeline stages (values equal aisp_stage).</summary>
public enum Stage
{
    Handoff = 0,
    Detect = 1,
    Landmarks = 2,
    Engine = 3,
    Composite = 4,
    Total = 5,

    /// <summary>Privacy's extra search on the analysis thread (turned views, tiles) and its face tracks.</summary>
    Cover = 6,
}

/// <summary>Latency of one stage over the sliding window, in milliseconds.</summary>
public readonly record struct StageLatency(double LastMs, double P50Ms, double P95Ms, double P99Ms);
