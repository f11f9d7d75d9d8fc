using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Swap;

namespace Aisp.Core.Engines;

/// <summary>
/// Places a prepared RGBA crop (premultiplied, rgb 0..255, alpha 0..1) on the frame through the
/// inverse of its frame -> crop map, blending it over the frame's pixels in the frame's own format.
/// The frame thread's whole share of a mesh swap: one bilinear tap per covered pixel, nothing read
/// or written where the crop is transparent, nothing allocated.
/// </summary>
public sealed unsafe class CropPaster
{
    /// <summary>Below this alpha a pixel is left as it is (under half a grey level of change).</summary>
    private const float Transparent = 1f / 512;

    private float[] _row = [];

    public void Paste(in Frame frame, Affine2D toCrop, ReadOnlySpan<float> rgba, int side)
    {
        FaceRegion region = Bounds(toCrop.Inverse(), side, frame.Width, frame.Height);
        if (region.IsEmpty)
        {
            return;
        }

        if (frame.IsPacked)
        {
            PastePacked(frame, toCrop, rgba, side, region);
        }
        else
        {
            PasteYuv(frame, toCrop, rgba, side, region);
        }
    }

    private static void PastePacked(in Frame frame, Affine2D m, ReadOnlySpan<float> rgba, int side, FaceRegion region)
    {
        (int ro, int go, int bo) = frame.PackedOrder;
        for (int y = region.Y; y < region.Y + region.Height; y++)
        {
            byte* row = frame.Plane0 + ((long)y * frame.Stride0);
            (float cx, float cy) = m.Apply(region.X + 0.5f, y + 0.5f);
            for (int x = region.X; x < region.X + region.Width; x++, cx += m.A, cy += m.D)
            {
                if (!Sample(rgba, side, cx - 0.5f, cy - 0.5f, out float r, out float g, out float b, out float a))
                {
                    continue;
                }

                byte* p = row + (x * 4);
                float keep = 1 - a;
                p[ro] = ToByte((p[ro] * keep) + r);
                p[go] = ToByte((p[go] * keep) + g);
                p[bo] = ToByte((p[bo] * keep) + b);
            }
        }
    }

    /// <summary>Luma per pixel; chroma per 2x2 block from the block's mean colour and alpha (regions are even-aligned).</summary>
    private void PasteYuv(in Frame frame, Affine2D m, ReadOnlySpan<float> rgba, int side, FaceRegion region)
    {
        var yuv = new YuvEncoder(frame.Matrix, frame.Range);
        int w = region.Width;
        if (_row.Length < w * 8)
        {
            _row = new float[w * 8];
        }

        Span<float> pair = _row.AsSpan(0, w * 8); // two rows of premultiplied r, g, b, a
        for (int y = region.Y; y + 1 < region.Y + region.Height; y += 2)
        {
            for (int k = 0; k < 2; k++)
            {
                byte* luma = frame.Plane0 + ((long)(y + k) * frame.Stride0);
                (float cx, float cy) = m.Apply(region.X + 0.5f, y + k + 0.5f);
                for (int i = 0; i < w; i++, cx += m.A, cy += m.D)
                {
                    int o = ((k * w) + i) * 4;
                    if (!Sample(rgba, side, cx - 0.5f, cy - 0.5f, out pair[o], out pair[o + 1], out pair[o + 2], out pair[o + 3]))
                    {
                        pair[o + 3] = 0;
                        continue;
                    }

                    float a = pair[o + 3];
                    byte* p = luma + region.X + i;
                    *p = ToByte((*p * (1 - a)) + (yuv.Luma(pair[o] / a, pair[o + 1] / a, pair[o + 2] / a) * a));
                }
            }

            int cyRow = y >> 1;
            for (int i = 0; i + 1 < w; i += 2)
            {
                float a = 0, r = 0, g = 0, b = 0;
                for (int k = 0; k < 4; k++)
                {
                    int o = ((((k >> 1) * w) + i + (k & 1)) * 4);
                    if (pair[o + 3] > 0)
                    {
                        (r, g, b, a) = (r + pair[o], g + pair[o + 1], b + pair[o + 2], a + pair[o + 3]);
                    }
                }

                if (a <= Transparent)
                {
                    continue;
                }

                (float u, float v) = yuv.Chroma(r / a, g / a, b / a);
                a *= 0.25f;
                int cx = (region.X + i) >> 1;
                if (frame.Format == PixelFormat.Nv12)
                {
                    byte* uv = frame.Plane1 + ((long)cyRow * frame.Stride1) + (cx * 2);
                    uv[0] = ToByte((uv[0] * (1 - a)) + (u * a));
                    uv[1] = ToByte((uv[1] * (1 - a)) + (v * a));
                }
                else
                {
                    byte* pu = frame.Plane1 + ((long)cyRow * frame.Stride1) + cx;
                    byte* pv = frame.Plane2 + ((long)cyRow * frame.Stride2) + cx;
                    *pu = ToByte((*pu * (1 - a)) + (u * a));
                    *pv = ToByte((*pv * (1 - a)) + (v * a));
                }
            }
        }
    }

    /// <summary>Bilinear RGBA tap at texel coordinates (fx, fy); texels outside the crop are transparent. False where the result is.</summary>
    private static bool Sample(ReadOnlySpan<float> rgba, int side, float fx, float fy, out float r, out float g, out float b, out float a)
    {
        (r, g, b, a) = (0, 0, 0, 0);
        if (!(fx > -1 && fy > -1 && fx < side && fy < side))
        {
            return false;
        }

        int x0 = (int)MathF.Floor(fx), y0 = (int)MathF.Floor(fy);
        float wx = fx - x0, wy = fy - y0;
        for (int k = 0; k < 4; k++)
        {
            int x = x0 + (k & 1), y = y0 + (k >> 1);
            if ((uint)x >= (uint)side || (uint)y >= (uint)side)
            {
                continue;
            }

            int o = ((y * side) + x) * 4;
            float wt = ((k & 1) == 0 ? 1 - wx : wx) * ((k >> 1) == 0 ? 1 - wy : wy);
            a += rgba[o + 3] * wt;
            r += rgba[o] * wt;
            g += rgba[o + 1] * wt;
            b += rgba[o + 2] * wt;
        }

        return a > Transparent;
    }

    private static byte ToByte(float v) => (byte)Math.Clamp((int)(v + 0.5f), 0, 255);

    private static FaceRegion Bounds(Affine2D toFrame, int side, int width, int height)
    {
        float l = float.MaxValue, t = float.MaxValue, r = float.MinValue, b = float.MinValue;
        for (int corner = 0; corner < 4; corner++)
        {
            (float fx, float fy) = toFrame.Apply((corner & 1) * side, (corner >> 1) * side);
            (l, t, r, b) = (MathF.Min(l, fx), MathF.Min(t, fy), MathF.Max(r, fx), MathF.Max(b, fy));
        }

        return FaceRegion.From(new BoxF(l, t, r, b), 0, width, height);
    }
}
