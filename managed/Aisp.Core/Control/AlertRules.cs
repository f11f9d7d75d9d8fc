namespace Aisp.Core.Control;

/// <summary>One of the seed's alerts: what is measured, over which value it is raised, and how bad that is.</summary>
public sealed record AlertRule(string Name, string Level, double Threshold, string Unit)
{
    public const string Warning = "warning";
    public const string Critical = "critical";

    /// <summary>The seed's thresholds and levels, verbatim.</summary>
    public static readonly AlertRule[] Seed =
    [
        new("cpu", Warning, 80, "%"),
        new("memory", Warning, 85, "%"),
        new("gpu", Critical, 90, "%"),
        new("queue", Warning, 100, "frames/s"),
        new("latency", Warning, 500, "ms"),
        new("error_rate", Critical, 5, "%"),
    ];
}

/// <summary>One measurement of everything the alerts watch; NaN where a value cannot be seen (a GPU without a visible load counter).</summary>
public readonly record struct LoadSample(double Cpu, double Memory, double Gpu, double Queue, double Latency, double ErrorRate)
{
    public double Value(string rule) => rule switch
    {
        "cpu" => Cpu,
        "memory" => Memory,
        "gpu" => Gpu,
        "queue" => Queue,
        "latency" => Latency,
        _ => ErrorRate,
    };
}
