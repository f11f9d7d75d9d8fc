namespace Aisp.Core.Pipeline;

/// <summary>
/// The last <see cref="Capacity"/> samples of one stage in a ring; percentiles are computed on
/// read (about once a second) by sorting a stack copy, so recording costs one store.
/// Not thread-safe: <see cref="PipelineStats"/> guards it.
/// </summary>
public sealed class LatencyWindow
{
    public const int Capacity = 256;

    private readonly double[] _samples = new double[Capacity];
    private int _count;
    private int _next;
    private double _last;

    public void Add(double ms)
    {
        _samples[_next] = ms;
        _next = (_next + 1) % Capacity;
        _count = Math.Min(_count + 1, Capacity);
        _last = ms;
    }

    public StageLatency Read()
    {
        if (_count == 0)
        {
            return default;
        }

        Span<double> sorted = stackalloc double[_count];
        _samples.AsSpan(0, _count).CopyTo(sorted);
        sorted.Sort();
        return new StageLatency(_last, At(sorted, 0.50), At(sorted, 0.95), At(sorted, 0.99));
    }

    private static double At(ReadOnlySpan<double> sorted, double q) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
