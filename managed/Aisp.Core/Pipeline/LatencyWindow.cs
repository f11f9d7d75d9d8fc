namespace Aisp.Core.Pipeline;

/// <summary>
/// The last <see cref="Capacity"/> samples of one stage in a ring. One thread writes (the one that
/// runs the stage), readers copy the ring without a lock and compute percentiles from the copy, so
/// recording costs one store and never waits; a reader may see a sample being replaced, which only
/// shifts a percentile by one sample.
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
        if (_count < Capacity)
        {
            _count++;
        }

        Volatile.Write(ref _last, ms);
    }

    public StageLatency Read()
    {
        int count = Volatile.Read(ref _count);
        if (count == 0)
        {
            return default;
        }

        Span<double> sorted = stackalloc double[count];
        _samples.AsSpan(0, count).CopyTo(sorted);
        sorted.Sort();
        return new StageLatency(Volatile.Read(ref _last), At(sorted, 0.50), At(sorted, 0.95), At(sorted, 0.99));
    }

    private static double At(ReadOnlySpan<double> sorted, double q) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
