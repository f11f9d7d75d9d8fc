namespace Aisp.Core.Frames;

/// <summary>An owned, tightly packed RGB24 picture (the source face), copied out of any frame format.</summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height)
    {
        Width = width;
        Height = height;
        Pixels = new byte[width * height * 3];
    }

    public int Width { get; }
    public int Height { get; }
    public byte[] Pixels { get; }

    public static RgbImage CopyOf(in Frame frame)
    {
        var image = new RgbImage(frame.Width, frame.Height);
        var sampler = new RgbSampler(frame);
        int i = 0;
        for (int y = 0; y < frame.Height; y++)
        {
            for (int x = 0; x < frame.Width; x++)
            {
                sampler.Sample(x, y, out int r, out int g, out int b);
                image.Pixels[i++] = (byte)r;
                image.Pixels[i++] = (byte)g;
                image.Pixels[i++] = (byte)b;
            }
        }

        return image;
    }

    /// <summary>Bilinear sample at a fractional position, clamped to the picture.</summary>
    public void Sample(float fx, float fy, out float r, out float g, out float b)
    {
        fx = Math.Clamp(fx, 0, Width - 1);
        fy = Math.Clamp(fy, 0, Height - 1);
        int x0 = (int)fx, y0 = (int)fy;
        int x1 = Math.Min(x0 + 1, Width - 1), y1 = Math.Min(y0 + 1, Height - 1);
        float ax = fx - x0, ay = fy - y0;
        int i00 = ((y0 * Width) + x0) * 3, i10 = ((y0 * Width) + x1) * 3, i01 = ((y1 * Width) + x0) * 3, i11 = ((y1 * Width) + x1) * 3;
        float w00 = (1 - ax) * (1 - ay), w10 = ax * (1 - ay), w01 = (1 - ax) * ay, w11 = ax * ay;
        byte[] p = Pixels;
        r = (p[i00] * w00) + (p[i10] * w10) + (p[i01] * w01) + (p[i11] * w11);
        g = (p[i00 + 1] * w00) + (p[i10 + 1] * w10) + (p[i01 + 1] * w01) + (p[i11 + 1] * w11);
        b = (p[i00 + 2] * w00) + (p[i10 + 2] * w10) + (p[i01 + 2] * w01) + (p[i11 + 2] * w11);
    }
}
