namespace Aisp.Core.Background;

/// <summary>
/// What analysis made of the background for one result, at the output's size: premultiplied
/// colour and alpha bytes (R, G, B, A, or B, G, R, A when painted from BGRA frames, so the CPU
/// moves whole pixels; A is how much the background shows: 0 on the person), with
/// per-row spans of the columns where A is above zero, so compositing skips the person. The CPU
/// compositor (<see cref="LayerBlender"/>) and the GPU one (a texture drawn as one quad) composite
/// the same bytes, so they give the same picture. Mode "transparent" carries alpha only: the
/// compositors lower the frame's alpha by it. The buffer grows to the largest output and is reused.
/// </summary>
public sealed class BackgroundLayer
{
    private byte[] _rgba = [];
    private int[] _rows = [];

    /// <summary>Whether this result carries a layer (false: no background setting, or nothing made yet).</summary>
    public bool Ready { get; private set; }

    /// <summary>True: only the alpha counts (transparent background); false: premultiplied colour over the frame.</summary>
    public bool AlphaOnly { get; private set; }

    /// <summary>Byte order: B, G, R, A (painted from BGRA or BGRX frames) rather than R, G, B, A. Also the order of <see cref="Grid"/>.</summary>
    public bool Bgra { get; private set; }

    /// <summary>Painted from YUV frames: the full-size bytes are premultiplied Y, U, V, A in the frame's matrix and range (the grid stays RGB for the GPU).</summary>
    public bool Yuv { get; private set; }

    public int Width { get; private set; }

    public int Height { get; private set; }

    /// <summary>Which filling this is: changes with every <see cref="Begin"/>, so a GPU texture made from it knows when it is stale.</summary>
    public long Version { get; private set; }

    /// <summary>Milliseconds analysis spent on it (mask, refinement and painting).</summary>
    public double Ms { get; set; }

    /// <summary>Share of the output the person covers (A = 0), 0..1.</summary>
    public float PersonShare { get; set; }

    /// <summary>Why the background could not be painted (e.g. replace without a picture), or null.</summary>
    public string? Notice { get; set; }

    public void Clear()
    {
        Notice = null;
        Ready = false;
        Version++;
    }

    /// <summary>Starts a layer of <paramref name="width"/> x <paramref name="height"/>; returns its bytes (4 per pixel) and row spans (2 per row) to fill.</summary>
    public void Begin(int width, int height, bool alphaOnly, bool bgra, bool yuv, out Span<byte> rgba, out Span<int> rows)
    {
        int bytes = width * height * 4;
        if (_rgba.Length < bytes)
        {
            _rgba = new byte[bytes];
        }

        if (_rows.Length < height * 2)
        {
            _rows = new int[height * 2];
        }

        (Width, Height, AlphaOnly, Bgra, Yuv, Ready) = (width, height, alphaOnly, bgra, yuv, false);
        Version++;
        rgba = _rgba.AsSpan(0, bytes);
        rows = _rows.AsSpan(0, height * 2);
    }

    public void Complete() => Ready = true;

    private byte[] _grid = [];

    /// <summary>The layer on the analysis grid (premultiplied, this layer's byte order): what the GPU compositor uploads and samples bilinearly; the full-size bytes are the same grid, bilinear.</summary>
    public ReadOnlySpan<byte> Grid => _grid.AsSpan(0, GridWidth * GridHeight * 4);

    public int GridWidth { get; private set; }

    public int GridHeight { get; private set; }

    /// <summary>Replace: the picture at the output's size (4 bytes a pixel, this layer's order, opaque), which the grid's alpha mixes in; null otherwise.</summary>
    public byte[]? Cover { get; private set; }

    /// <summary>Changes whenever <see cref="Cover"/> is another picture or size (a GPU texture of it is uploaded once per version).</summary>
    public long CoverVersion { get; private set; }

    public Span<byte> BeginGrid(int width, int height)
    {
        if (_grid.Length < width * height * 4)
        {
            _grid = new byte[width * height * 4];
        }

        (GridWidth, GridHeight) = (width, height);
        return _grid.AsSpan(0, width * height * 4);
    }

    public void SetCover(byte[]? cover, long version) => (Cover, CoverVersion) = (cover, version);

    /// <summary>The layer's pixels, row after row, 4 bytes each.</summary>
    public ReadOnlySpan<byte> Rgba => _rgba.AsSpan(0, Width * Height * 4);

    /// <summary>Per row: the first column with background showing and the one after the last (equal when none does).</summary>
    public ReadOnlySpan<int> Rows => _rows.AsSpan(0, Height * 2);
}
