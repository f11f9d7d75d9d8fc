namespace Aisp.Core.Engines;

/// <summary>
/// A rectangle of one image plane: where it starts, how far apart rows are, how many bytes make a
/// pixel and how many of those (from the first) are colour channels to change. Alpha, when
/// present, is the byte after the channels and is never written.
/// </summary>
public readonly unsafe struct PlaneRect
{
    public PlaneRect(byte* plane, int stride, int bytesPerPixel, int channels, int x, int y, int width, int height)
    {
        Origin = plane + ((long)y * stride) + ((long)x * bytesPerPixel);
        Stride = stride;
        BytesPerPixel = bytesPerPixel;
        Channels = channels;
        Width = width;
        Height = height;
    }

    public byte* Origin { get; }
    public int Stride { get; }
    public int BytesPerPixel { get; }
    public int Channels { get; }
    public int Width { get; }
    public int Height { get; }

    public byte* Pixel(int x, int y) => Origin + ((long)y * Stride) + ((long)x * BytesPerPixel);
}
