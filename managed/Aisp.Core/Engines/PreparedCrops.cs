using Aisp.Core.Pipeline;

namespace Aisp.Core.Engines;

/// <summary>
/// What an engine prepared on the analysis thread for one analysis result (<see cref="EngineNeeds.Prepared"/>):
/// one 128x128 RGB crop (0..255, in the aligned template's space) per face, the inswapper's
/// swapped faces, pasted on the frame thread, which so never runs the swap model. Crops are
/// allocated once per face slot and reused.
/// </summary>
public sealed class PreparedCrops
{
    public const int Size = InswapperEngine.SwapSize;

    private readonly float[]?[] _crops = new float[AnalysisResult.MaxFaces][];
    private readonly bool[] _ready = new bool[AnalysisResult.MaxFaces];

    /// <summary>Whether an engine prepared this result (false: a result made for an engine that prepares nothing, or before the first swap).</summary>
    public bool Prepared { get; private set; }

    public void Clear()
    {
        Prepared = false;
        Array.Clear(_ready);
    }

    public void MarkPrepared() => Prepared = true;

    /// <summary>The crop of face <paramref name="index"/> to write (RGB interleaved, <see cref="Size"/> squared).</summary>
    public Span<float> Write(int index)
    {
        _ready[index] = true;
        return _crops[index] ??= new float[Size * Size * 3];
    }

    public bool IsReady(int index) => index < _ready.Length && _ready[index];

    public ReadOnlySpan<float> Read(int index) => _crops[index];
}
