namespace Aisp.Core.Frames;

/// <summary>
/// A validated view of a caller-owned frame. Holds raw plane pointers, so it never outlives the
/// call that received it; create one only through <see cref="FrameValidator"/>.
/// </summary>
public readonly unsafe struct Frame
{
    internal Frame(PixelFormat format, int width, int height, byte* p0, byte* p1, byte* p2,
        int s0, int s1, int s2, long timestampNs, ColorMatrix matrix, ColorRange range)
    {
        Format = format;
        Width = width;
        Height = height;
        Plane0 = p0;
        Plane1 = p1;
        Plane2 = p2;
        Stride0 = s0;
        Stride1 = s1;
        Stride2 = s2;
        TimestampNs = timestampNs;
        Matrix = matrix;
        Range = range;
    }

    public PixelFormat Format { get; }
    public int Width { get; }
    public int Height { get; }
    public byte* Plane0 { get; }
    public byte* Plane1 { get; }
    public byte* Plane2 { get; }
    public int Stride0 { get; }
    public int Stride1 { get; }
    public int Stride2 { get; }
    public long TimestampNs { get; }
    public ColorMatrix Matrix { get; }
    public ColorRange Range { get; }

    public bool IsPacked => Format is PixelFormat.Bgra or PixelFormat.Bgrx or PixelFormat.Rgba;

    /// <summary>Byte offsets of R, G, B inside a packed pixel.</summary>
    public (int R, int G, int B) PackedOrder => Format == PixelFormat.Rgba ? (0, 1, 2) : (2, 1, 0);
}
