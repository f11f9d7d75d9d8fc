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
    public void Sample(float fx, float fy, out float r, out float g, out float b) =>
        BilinearTap.SampleRgb<byte>(Pixels, Width, Height, fx, fy, out r, out g, out b);
}
