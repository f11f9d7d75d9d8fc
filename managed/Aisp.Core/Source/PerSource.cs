namespace Aisp.Core.Source;

/// <summary>
/// What an engine derives from a source face (a triangulation, an embedding, a texture), kept for
/// the last few source faces so that faces mapped to different pictures in one frame do not
/// recompute it every frame. Round-robin eviction; <paramref name="release"/> frees what an
/// evicted or cleared entry holds (a GPU texture).
/// </summary>
public sealed class PerSource<T>(int capacity = 8, Action<T>? release = null)
{
    private readonly SourceFace?[] _keys = new SourceFace?[capacity];
    private readonly T[] _values = new T[capacity];
    private int _next;

    public bool TryGet(SourceFace source, out T value)
    {
        for (int i = 0; i < _keys.Length; i++)
        {
            if (ReferenceEquals(_keys[i], source))
            {
                value = _values[i];
                return true;
            }
        }

        value = default!;
        return false;
    }

    public T Add(SourceFace source, T value)
    {
        int slot = _next;
        _next = (_next + 1) % _keys.Length;
        if (_keys[slot] is not null)
        {
            release?.Invoke(_values[slot]);
        }

        _keys[slot] = source;
        _values[slot] = value;
        return value;
    }

    public void Clear()
    {
        for (int i = 0; i < _keys.Length; i++)
        {
            if (_keys[i] is not null)
            {
                release?.Invoke(_values[i]);
            }

            _keys[i] = null;
            _values[i] = default!;
        }
    }
}
