using Aisp.Core.Pipeline;

namespace Aisp.Core.Engines;

/// <summary>
/// What an engine prepared on the analysis thread for one analysis result (<see cref="EngineNeeds.Prepared"/>):
/// one square crop per face (the inswapper's in its aligned template, the mesh swap's around the
/// face in frame orientation), pasted on the frame thread, which so
/// never runs the slow part: the inswapper's swapped faces (128x128 RGB, 0..255), the mesh swap's
/// warped, colour-matched faces (RGBA, premultiplied, up to <see cref="MaxSide"/> square). Crops
/// belong to faces by track id, because the frame thread may order faces differently (one run per
/// source face). A slot's buffer grows to the largest crop it held and is then reused.
/// </summary>
public sealed class PreparedCrops
{
    public const int Size = InswapperEngine.SwapSize;

    /// <summary>The largest crop side an engine may ask for.</summary>
    public const int MaxSide = 512;

    private readonly float[]?[] _crops = new float[AnalysisResult.MaxFaces][];
    private readonly int[] _tracks = new int[AnalysisResult.MaxFaces];
    private readonly int[] _sides = new int[AnalysisResult.MaxFaces];
    private readonly int[] _lengths = new int[AnalysisResult.MaxFaces];
    private readonly CropContent[] _content = new CropContent[AnalysisResult.MaxFaces];
    private readonly int[]?[] _rows = new int[AnalysisResult.MaxFaces][];
    private int _count;

    /// <summary>Whether an engine prepared this result (false: a result made for an engine that prepares nothing, or before the first swap).</summary>
    public bool Prepared { get; private set; }

    /// <summary>Where the crops sit around each face (<see cref="Swap.MeshCrop.Of(in Detection.Face, int, Swap.MeshCrop.CropMargins)"/>): the engine that prepared them says.</summary>
    public Swap.MeshCrop.CropMargins Margins { get; set; } = Swap.MeshCrop.CropMargins.Mesh;

    /// <summary>Output pixels per analysed pixel for this result (the analysis copy may be decimated): engines that draw in output pixels scale the faces by it.</summary>
    public float Scale { get; set; } = 1;

    /// <summary>Which filling this is: changes at every <see cref="Clear"/>, so a reader that kept something from these crops (a GPU texture) knows when it is stale.</summary>
    public long Version { get; private set; }

    /// <summary>Starts a result: the pipeline clears, then the engine prepares each run of faces.</summary>
    public void Clear()
    {
        Version++;
        Prepared = false;
        Margins = Swap.MeshCrop.CropMargins.Mesh;
        _count = 0;
        Scale = 1;
    }

    public void MarkPrepared() => Prepared = true;

    /// <summary>The crop of the face of track <paramref name="trackId"/> to write (RGB interleaved, <see cref="Size"/> squared); empty when every slot is taken.</summary>
    public Span<float> Write(int trackId) => Write(trackId, Size, 3);

    /// <summary>A <paramref name="side"/> squared crop of <paramref name="channels"/> floats per pixel for the face of track <paramref name="trackId"/>; empty when every slot is taken.</summary>
    public Span<float> Write(int trackId, int side, int channels)
    {
        if (_count == _crops.Length || side < 1 || side > MaxSide)
        {
            return [];
        }

        int length = side * side * channels;
        if ((_crops[_count]?.Length ?? 0) < length)
        {
            int room = (side + 63) / 64 * 64; // grows in steps, to the largest face this slot has held, then stays
            _crops[_count] = new float[room * room * channels];
        }

        (_tracks[_count], _sides[_count], _lengths[_count], _content[_count]) = (trackId, side, length, new CropContent(0, 0, side, side));
        return _crops[_count++]!.AsSpan(0, length);
    }

    /// <summary>Narrows the crop written last to where it has content (pixels outside are transparent), so pasting skips the rest.</summary>
    public void SetContent(CropContent content)
    {
        if (_count > 0)
        {
            _content[_count - 1] = content;
        }
    }

    /// <summary>For the crop written last: per row, the first column with content and the one after the last (equal when the row is empty), to fill.</summary>
    public Span<int> WriteRows()
    {
        if (_count == 0)
        {
            return [];
        }

        int[] rows = _rows[_count - 1] ??= new int[MaxSide * 2];
        return rows.AsSpan(0, _sides[_count - 1] * 2);
    }

    /// <summary>The row spans of the crop of track <paramref name="trackId"/> (see <see cref="WriteRows"/>), or empty when the engine gave none.</summary>
    public ReadOnlySpan<int> Rows(int trackId)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_tracks[i] == trackId)
            {
                return _rows[i] is { } rows ? rows.AsSpan(0, _sides[i] * 2) : [];
            }
        }

        return [];
    }

    /// <summary>The crop prepared for the face of track <paramref name="trackId"/>, or empty.</summary>
    public ReadOnlySpan<float> Read(int trackId) => Read(trackId, out _, out _);

    /// <summary>The crop prepared for the face of track <paramref name="trackId"/>, its side and where it has content, or empty.</summary>
    public ReadOnlySpan<float> Read(int trackId, out int side, out CropContent content)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_tracks[i] == trackId)
            {
                (side, content) = (_sides[i], _content[i]);
                return _crops[i]!.AsSpan(0, _lengths[i]);
            }
        }

        (side, content) = (0, default);
        return [];
    }
}
