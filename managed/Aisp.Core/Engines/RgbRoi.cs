using Aisp.Core.Frames;

namespace Aisp.Core.Engines;

/// <summary>
/// A face-sized working area for engines that paint: the frame's pixels of one rectangle as
/// float RGB, an alpha per pixel, and a write-back that blends only where alpha is above zero,
/// in the frame's own format (YUV frames convert only this rectangle, never the whole frame).
/// Buffers grow to the largest face seen and are then reused: no steady-state allocation.
/// </summary>
public sealed unsafe class RgbRoi
{
    private float[] _rgb = [];
    private float[] _alpha = [];

    public int X { get; private set; }
    public int Y { get; private set; }
    public int Width { get; private set; }
    public int Height { get; private set; }

    /// <summary>R, G, B floats (0..255), row after row.</summary>
    public Span<float> Rgb => _rgb.AsSpan(0, Width * Height * 3);

    /// <summary>0 keeps the frame's pixel, 1 takes <see cref="Rgb"/>.</summary>
    public Span<float> Alpha => _alpha.AsSpan(0, Width * Height);

    public void Load(in Frame frame, FaceRegion region)
    {
        (X, Y, Width, Height) = (region.X, region.Y, region.Width, region.Height);
        int n = Width * Height;
        if (_alpha.Length < n)
        {
            _rgb = new float[n * 3];
            _alpha = new float[n];
        }

        Alpha.Clear();
        var sampler = new RgbSampler(frame);
        Span<float> rgb = Rgb;
        int i = 0;
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                sampler.Sample(X + x, Y + y, out int r, out int g, out int b);
                rgb[i++] = r;
                rgb[i++] = g;
                rgb[i++] = b;
            }
        }
    }

    /// <summary>Blends <see cref="Rgb"/> into the frame by <see cref="Alpha"/>; pixels with alpha 0 are not written.</summary>
    public void Store(in Frame frame)
    {
        if (frame.IsPacked)
        {
            StorePacked(frame);
        }
        else
        {
            StoreYuv(frame);
        }
    }

    private void StorePacked(in Frame frame)
    {
        (int ro, int go, int bo) = frame.PackedOrder;
        ReadOnlySpan<float> rgb = Rgb, alpha = Alpha;
        for (int y = 0; y < Height; y++)
        {
            byte* row = frame.Plane0 + ((long)(Y + y) * frame.Stride0) + (X * 4);
            for (int x = 0; x < Width; x++)
            {
                float a = alpha[(y * Width) + x];
                if (a <= 0)
                {
                    continue;
                }

                byte* p = row + (x * 4);
                int i = ((y * Width) + x) * 3;
                p[ro] = Blend(p[ro], rgb[i], a);
                p[go] = Blend(p[go], rgb[i + 1], a);
                p[bo] = Blend(p[bo], rgb[i + 2], a);
            }
        }
    }

    private void StoreYuv(in Frame frame)
    {
        var yuv = new YuvEncoder(frame.Matrix, frame.Range);
        ReadOnlySpan<float> rgb = Rgb, alpha = Alpha;
        for (int y = 0; y < Height; y++)
        {
            byte* luma = frame.Plane0 + ((long)(Y + y) * frame.Stride0) + X;
            for (int x = 0; x < Width; x++)
            {
                float a = alpha[(y * Width) + x];
                if (a > 0)
                {
                    int i = ((y * Width) + x) * 3;
                    luma[x] = Blend(luma[x], yuv.Luma(rgb[i], rgb[i + 1], rgb[i + 2]), a);
                }
            }
        }

        // Chroma per 2x2 block, weighted by the block's mean alpha (regions are even-aligned).
        for (int y = 0; y + 1 < Height; y += 2)
        {
            for (int x = 0; x + 1 < Width; x += 2)
            {
                float a = 0, r = 0, g = 0, b = 0;
                for (int k = 0; k < 4; k++)
                {
                    int j = ((y + (k >> 1)) * Width) + x + (k & 1);
                    a += alpha[j];
                    r += rgb[3 * j];
                    g += rgb[(3 * j) + 1];
                    b += rgb[(3 * j) + 2];
                }

                if (a <= 0)
                {
                    continue;
                }

                a *= 0.25f;
                (float u, float v) = yuv.Chroma(r * 0.25f, g * 0.25f, b * 0.25f);
                int cx = (X + x) >> 1, cy = (Y + y) >> 1;
                if (frame.Format == PixelFormat.Nv12)
                {
                    byte* uv = frame.Plane1 + ((long)cy * frame.Stride1) + (cx * 2);
                    uv[0] = Blend(uv[0], u, a);
                    uv[1] = Blend(uv[1], v, a);
                }
                else
                {
                    byte* pu = frame.Plane1 + ((long)cy * frame.Stride1) + cx;
                    byte* pv = frame.Plane2 + ((long)cy * frame.Stride2) + cx;
                    *pu = Blend(*pu, u, a);
                    *pv = Blend(*pv, v, a);
                }
            }
        }
    }

    private static byte Blend(byte under, float over, float a)
    {
        float v = under + ((over - under) * Math.Min(a, 1f));
        return (byte)Math.Clamp((int)(v + 0.5f), 0, 255);
    }
}
