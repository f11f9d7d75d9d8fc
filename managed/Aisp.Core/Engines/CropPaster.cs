using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Swap;

namespace Aisp.Core.Engines;

/// <summary>
/// Places a prepared RGBA crop (premultiplied, rgb 0..255, alpha 0..1) on the frame through the
/// inverse of its frame -> crop map, blending it over the frame's pixels in the frame's own format.
/// The frame thread's whole share of a mesh swap: per frame row only the stretch that falls on the
/// crop's content (<see cref="CropContent"/>) is visited, one bilinear tap per pixel, nothing
/// written where the crop is transparent, nothing allocated.
/// </summary>
public sealed unsafe class CropPaster
{
    /// <summary>Below this alpha a pixel is left as it is (under half a grey level of change).</summary>
    private const float Transparent = 1f / 512;

    private float[] _row = [];

    /// <summary>Places <paramref name="rgba"/>, drawn for <paramref name="crop"/>; <paramref name="rows"/> (first and end column with content per crop row, may be empty) speeds up the common case.</summary>
    public void Paste(in Frame frame, MeshCrop crop, ReadOnlySpan<float> rgba, CropContent content, ReadOnlySpan<int> rows)
    {
        int side = crop.Side;
        if (crop.IsTranslation && frame.IsPacked && rows.Length >= side * 2 && rgba.Length >= side * side * 4)
        {
            fixed (float* pixels = rgba)
            {
                PasteMoved(frame, crop.ToCrop, pixels, side, rows);
            }

            return;
        }

        Paste(frame, crop.ToCrop, rgba, side, content);
    }

    /// <summary>
    /// The common case: the crop is the frame's pixels moved by a fraction of a pixel plus whole ones,
    /// so every pixel takes its four texels with the same weights, and each frame row visits only the
    /// columns its two crop rows have content in.
    /// </summary>
    private static void PasteMoved(in Frame frame, Affine2D toCrop, float* crop, int side, ReadOnlySpan<int> rows)
    {
        // Texel coordinate of frame pixel x: x + offset (pixel centres on both sides), split into whole and fraction.
        float fu = toCrop.C, fv = toCrop.F;
        int kx = (int)MathF.Floor(fu), ky = (int)MathF.Floor(fv);
        float wx = fu - kx, wy = fv - ky;
        float w00 = (1 - wx) * (1 - wy), w10 = wx * (1 - wy), w01 = (1 - wx) * wy, w11 = wx * wy;
        (int ro, int go, int bo) = frame.PackedOrder;
        int yFrom = Math.Max(0, -1 - ky), yTo = Math.Min(frame.Height, side - 1 - ky);
        for (int y = yFrom; y < yTo; y++)
        {
            int ty = y + ky; // taps on crop rows ty and ty + 1 (either may be -1 or side - 1 at the edges: treated as empty)
            (int s0, int e0) = ty >= 0 ? (rows[2 * ty], rows[(2 * ty) + 1]) : (0, 0);
            (int s1, int e1) = ty + 1 < side ? (rows[2 * (ty + 1)], rows[(2 * (ty + 1)) + 1]) : (0, 0);
            if (e0 <= s0 && e1 <= s1)
            {
                continue;
            }

            int first = Math.Min(e0 > s0 ? s0 : int.MaxValue, e1 > s1 ? s1 : int.MaxValue) - 1, last = Math.Max(e0, e1) - 1; // tap columns tx with content at tx or tx + 1
            first = Math.Max(Math.Max(first, 0), kx); // frame column x = tx - kx, inside the frame
            last = Math.Min(Math.Min(last, side - 2), frame.Width - 1 + kx);
            if (ty < 0 || ty + 1 >= side)
            {
                continue; // the content keeps a texel off the crop's edges: these rows hold none
            }

            float* p = crop + (((ty * side) + first) * 4), q = p + (side * 4);
            byte* px = frame.Plane0 + ((long)y * frame.Stride0) + ((first - kx) * 4L);
            for (int tx = first; tx <= last; tx++, p += 4, q += 4, px += 4)
            {
                float a = (p[3] * w00) + (p[7] * w10) + (q[3] * w01) + (q[7] * w11);
                if (a <= Transparent)
                {
                    continue;
                }

                float keep = 1 - a;
                px[ro] = ToByte((px[ro] * keep) + (p[0] * w00) + (p[4] * w10) + (q[0] * w01) + (q[4] * w11));
                px[go] = ToByte((px[go] * keep) + (p[1] * w00) + (p[5] * w10) + (q[1] * w01) + (q[5] * w11));
                px[bo] = ToByte((px[bo] * keep) + (p[2] * w00) + (p[6] * w10) + (q[2] * w01) + (q[6] * w11));
            }
        }
    }

    /// <summary>The general case: any placement (a scaled crop for a face over <see cref="MeshCrop.MaxSide"/>, any pixel format), one bilinear tap per pixel of the content's box.</summary>
    public void Paste(in Frame frame, Affine2D toCrop, ReadOnlySpan<float> rgba, int side, CropContent content)
    {
        // Taps read a texel and its right and lower neighbours: content must keep one texel off the far edges.
        content = new CropContent(Math.Max(1, content.X0), Math.Max(1, content.Y0), Math.Min(side - 1, content.X1), Math.Min(side - 1, content.Y1));
        if (content.IsEmpty || rgba.Length < side * side * 4)
        {
            return;
        }

        FaceRegion region = Bounds(toCrop.Inverse(), content, frame.Width, frame.Height);
        if (region.IsEmpty)
        {
            return;
        }

        fixed (float* crop = rgba)
        {
            var taps = new Taps(crop, side, content, toCrop);
            if (frame.IsPacked)
            {
                PastePacked(frame, taps, region);
            }
            else
            {
                PasteYuv(frame, taps, region);
            }
        }
    }

    private static void PastePacked(in Frame frame, in Taps taps, FaceRegion region)
    {
        (int ro, int go, int bo) = frame.PackedOrder;
        for (int y = region.Y; y < region.Y + region.Height; y++)
        {
            byte* row = frame.Plane0 + ((long)y * frame.Stride0);
            (int from, int to) = taps.Span(region.X, region.Width, y);
            for (int x = from; x < to; x++)
            {
                if (!taps.At(x, y, out float r, out float g, out float b, out float a))
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
    private void PasteYuv(in Frame frame, in Taps taps, FaceRegion region)
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
            pair.Clear();
            for (int k = 0; k < 2; k++)
            {
                byte* luma = frame.Plane0 + ((long)(y + k) * frame.Stride0);
                (int from, int to) = taps.Span(region.X, w, y + k);
                for (int x = from; x < to; x++)
                {
                    int o = ((k * w) + x - region.X) * 4;
                    if (!taps.At(x, y + k, out float r, out float g, out float b, out float a))
                    {
                        continue;
                    }

                    (pair[o], pair[o + 1], pair[o + 2], pair[o + 3]) = (r, g, b, a);
                    byte* p = luma + x;
                    *p = ToByte((*p * (1 - a)) + (yuv.Luma(r / a, g / a, b / a) * a));
                }
            }

            int cyRow = y >> 1;
            for (int i = 0; i + 1 < w; i += 2)
            {
                float a = 0, r = 0, g = 0, b = 0;
                for (int k = 0; k < 4; k++)
                {
                    int o = (((k >> 1) * w) + i + (k & 1)) * 4;
                    (r, g, b, a) = (r + pair[o], g + pair[o + 1], b + pair[o + 2], a + pair[o + 3]);
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

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static byte ToByte(float v) => (byte)Math.Clamp((int)(v + 0.5f), 0, 255);

    /// <summary>The frame pixels the content's corners map to (even-aligned, clipped).</summary>
    private static FaceRegion Bounds(Affine2D toFrame, CropContent c, int width, int height)
    {
        float l = float.MaxValue, t = float.MaxValue, r = float.MinValue, b = float.MinValue;
        for (int corner = 0; corner < 4; corner++)
        {
            (float fx, float fy) = toFrame.Apply((corner & 1) == 0 ? c.X0 - 1 : c.X1, (corner >> 1) == 0 ? c.Y0 - 1 : c.Y1);
            (l, t, r, b) = (MathF.Min(l, fx), MathF.Min(t, fy), MathF.Max(r, fx), MathF.Max(b, fy));
        }

        return FaceRegion.From(new BoxF(l - 1, t - 1, r + 1, b + 1), 0, width, height);
    }

    /// <summary>Bilinear taps into the crop for frame pixels, limited to where the content is.</summary>
    private readonly struct Taps(float* crop, int side, CropContent content, Affine2D toCrop)
    {
        // Texel coordinates whose taps can touch content: (X0 - 1, X1) across, (Y0 - 1, Y1) down.
        private readonly float _uLo = content.X0 - 1, _uHi = content.X1 - 1, _vLo = content.Y0 - 1, _vHi = content.Y1 - 1;

        /// <summary>The columns [from, to) of frame row <paramref name="y"/> (within x0 .. x0 + width) whose taps can reach content.</summary>
        public (int From, int To) Span(int x0, int width, int y)
        {
            (float u, float v) = toCrop.Apply(x0 + 0.5f, y + 0.5f);
            (u, v) = (u - 0.5f, v - 0.5f);
            float lo = 0, hi = width;
            Clip(u, toCrop.A, _uLo, _uHi, ref lo, ref hi);
            Clip(v, toCrop.D, _vLo, _vHi, ref lo, ref hi);
            return hi <= lo ? (0, 0) : (x0 + Math.Max(0, (int)MathF.Floor(lo)), x0 + Math.Min(width, (int)MathF.Ceiling(hi)));
        }

        /// <summary>Narrows [lo, hi) to the steps t where start + step * t lies in [min, max].</summary>
        private static void Clip(float start, float step, float min, float max, ref float lo, ref float hi)
        {
            if (MathF.Abs(step) < 1e-6f)
            {
                if (start < min || start > max)
                {
                    hi = lo;
                }

                return;
            }

            float a = (min - start) / step, b = (max - start) / step;
            lo = MathF.Max(lo, MathF.Min(a, b));
            hi = MathF.Min(hi, MathF.Max(a, b) + 1);
        }

        /// <summary>The premultiplied colour and alpha at frame pixel (x, y); false where transparent or off the content.</summary>
        public bool At(int x, int y, out float r, out float g, out float b, out float a)
        {
            (float u, float v) = toCrop.Apply(x + 0.5f, y + 0.5f);
            (u, v) = (u - 0.5f, v - 0.5f);
            if (!(u >= _uLo && u < _uHi + 1 && v >= _vLo && v < _vHi + 1))
            {
                (r, g, b, a) = (0, 0, 0, 0);
                return false; // also keeps every tap inside the crop: content lies one texel off its edges
            }

            int tx = (int)u, ty = (int)v;
            float wx = u - tx, wy = v - ty;
            float* p = crop + (((ty * side) + tx) * 4), q = p + (side * 4);
            float w00 = (1 - wx) * (1 - wy), w10 = wx * (1 - wy), w01 = (1 - wx) * wy, w11 = wx * wy;
            a = (p[3] * w00) + (p[7] * w10) + (q[3] * w01) + (q[7] * w11);
            if (a <= Transparent)
            {
                (r, g, b) = (0, 0, 0);
                return false;
            }

            r = (p[0] * w00) + (p[4] * w10) + (q[0] * w01) + (q[4] * w11);
            g = (p[1] * w00) + (p[5] * w10) + (q[1] * w01) + (q[5] * w11);
            b = (p[2] * w00) + (p[6] * w10) + (q[2] * w01) + (q[6] * w11);
            return true;
        }
    }
}
