using Aisp.Core.Pipeline;

namespace Aisp.Core.Engines;

/// <summary>
/// What an engine prepared on the analysis thread for one analysis result (<see cref="EngineNeeds.Prepared"/>):
/// one 128x128 RGB crop (0..255, in the aligned template's space) per face, the inswapper's
/// swapped faces, pasted on the frame thread, which so never runs the swap model. Crops belong to
/// faces by track id, because the frame thread may order faces differently (one run per source
/// face). Crops are allocated once per slot and reused.
/// </summary>
public sealed class PreparedCrops
{
    public const int Size = InswapperEngine.SwapSize;

    private readonly float[]?[] _crops = new float[AnalysisResult.MaxFaces][];
    private readonly int[] _tracks = new int[AnalysisResult.MaxFaces];
    private int _count;

    /// <summary>Whether an engine prepared this result (false: a result made for an engine that prepares nothing, or before the first swap).</summary>
    public bool Prepared { get; private set; }

    /// <summary>Starts a result: the pipeline clears, then the engine prepares each run of faces.</summary>
    public void Clear()
    {
        Prepared = false;
        _count = 0;
    }

    public void MarkPrepared() => Prepared = true;

    /// <summary>The crop of the face of track <paramref name="trackId"/> to write (RGB interleaved, <see cref="Size"/> squared); empty when every slot is taken.</summary>
    public Span<float> Write(int trackId)
    {
        if (_count == _crops.Length)
        {
            return [];
        }

        _tracks[_count] = trackId;
        return _crops[_count++] ??= new float[Size * Size * 3];
    }

    /// <summary>The crop prepared for the face of track <paramref name="trackId"/>, or empty.</summary>
    public ReadOnlySpan<float> Read(int trackId)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_tracks[i] == trackId)
            {
                return _crops[i];
            }
        }

        return [];
    }
}
