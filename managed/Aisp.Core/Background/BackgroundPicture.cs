using Aisp.Core.Frames;

namespace Aisp.Core.Background;

/// <summary>
/// The picture that replaces the background (mode "replace"), as the host decoded it: RGB bytes,
/// immutable; a new picture is a new object. <see cref="CoverInto"/> scales it to fill an output
/// (centred, cropped, never stretched), which the painter does once per output size.
/// </summary>
public sealed class BackgroundPicture
{
    public const int MaxSide = 8192;

    private readonly byte[] _rgb;

    private BackgroundPicture(byte[] rgb, int width, int height, string label) => (_rgb, Width, Height, Label) = (rgb, width, height, label);

    public int Width { get; }

    public int Height { get; }

    public string Label { get; }

    /// <summary>Copies a decoded picture (any frame format the core reads); throws <see cref="ErrorKind.SourceImage"/> for one too large.</summary>
    public static BackgroundPicture From(in Frame image, string label)
    {
        if (image.Width > MaxSide || image.Height > MaxSide)
        {
            throw new AispException(ErrorKind.SourceImage, $"background picture '{label}' is {image.Width}x{image.Height}; at most {MaxSide} px a side");
        }

        var rgb = new byte[image.Width * image.Height * 3];
        var sampler = new RgbSampler(image);
        for (int y = 0, i = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++, i += 3)
            {
                sampler.Sample(x, y, out int r, out int g, out int b);
                (rgb[i], rgb[i + 1], rgb[i + 2]) = ((byte)r, (byte)g, (byte)b);
            }
        }

        return new BackgroundPicture(rgb, image.Width, image.Height, label);
    }

    /// <summary>The picture scaled to cover <paramref name="width"/> x <paramref name="height"/> (bilinear), into opaque RGBA (or BGRA) bytes.</summary>
    public void CoverInto(Span<byte> rgba, int width, int height, bool bgra)
    {
        int ri = bgra ? 2 : 0, bi = bgra ? 0 : 2;
        float scale = MathF.Max((float)width / Width, (float)height / Height);
        float offX = ((Width * scale) - width) / 2, offY = ((Height * scale) - height) / 2;
        for (int y = 0; y < height; y++)
        {
            float sy = Math.Clamp(((y + 0.5f + offY) / scale) - 0.5f, 0, Height - 1);
            int y0 = (int)sy, y1 = Math.Min(y0 + 1, Height - 1);
            float wy = sy - y0;
            for (int x = 0; x < width; x++)
            {
                float sx = Math.Clamp(((x + 0.5f + offX) / scale) - 0.5f, 0, Width - 1);
                int x0 = (int)sx, x1 = Math.Min(x0 + 1, Width - 1);
                float wx = sx - x0;
                int o = ((y * width) + x) * 4;
                for (int c = 0; c < 3; c++)
                {
                    float top = _rgb[(((y0 * Width) + x0) * 3) + c] + ((_rgb[(((y0 * Width) + x1) * 3) + c] - _rgb[(((y0 * Width) + x0) * 3) + c]) * wx);
                    float bottom = _rgb[(((y1 * Width) + x0) * 3) + c] + ((_rgb[(((y1 * Width) + x1) * 3) + c] - _rgb[(((y1 * Width) + x0) * 3) + c]) * wx);
                    rgba[o + (c == 0 ? ri : c == 2 ? bi : 1)] = (byte)(top + ((bottom - top) * wy) + 0.5f);
                }

                rgba[o + 3] = 255;
            }
        }
    }
}
