namespace Aisp.Core.Pipeline;

/// <summary>
/// Lock-free hand-over of the newest value between one producer and one consumer (the classic
/// triple buffer): each side owns one of three buffers and swaps it with the shared one. The
/// shared index and its "fresh" bit live in one int, so a swap and its flag change together.
/// The consumer gets the newest published value and never waits; the producer never overwrites
/// what the consumer holds.
/// </summary>
public sealed class TripleBuffer<T>(T first, T second, T third) where T : class
{
    private const int Fresh = 4;

    private readonly T[] _buffers = [first, second, third];
    private int _producer;
    private int _state = 1; // shared index 1, not fresh
    private int _consumer = 2;

    /// <summary>The producer's buffer: fill it, then <see cref="Publish"/>.</summary>
    public T Producer => _buffers[_producer];

    /// <summary>The consumer's buffer after the last successful <see cref="TryTake"/>.</summary>
    public T Consumer => _buffers[_consumer];

    /// <summary>Publishes the producer's buffer; returns true when the one it replaces was never taken (dropped).</summary>
    public bool Publish()
    {
        int old = Interlocked.Exchange(ref _state, _producer | Fresh);
        _producer = old & 3;
        return (old & Fresh) != 0;
    }

    /// <summary>Takes the newest published buffer if one came since the last take.</summary>
    public bool TryTake()
    {
        if ((Volatile.Read(ref _state) & Fresh) == 0)
        {
            return false;
        }

        _consumer = Interlocked.Exchange(ref _state, _consumer) & 3;
        return true;
    }
}
