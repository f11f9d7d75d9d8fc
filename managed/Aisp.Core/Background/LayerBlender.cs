using System.Runtime.Intrinsics;
using Aisp.Core.Frames;

namespace Aisp.Core.Background;

/// <summary>
/// The CPU compositor's part of the background, on the frame thread: the layer's premultiplied
/// colour over the frame (out = frame x (1 - A) + layer), in the frame's own format, or for a
/// transparent background the frame's alpha lowered by A. Only each row's span where the
/// background shows is visited; where it shows fully the layer's colour is simply copied. For YUV
/// frames analysis painted the layer in the frame's own Y, U, V: luma per pixel, chroma per 2x2
/// block with the block's mean alpha. Integer arithmetic, no allocation.
/// </summary>
public static unsafe class LayerBlender
{
    /// <summary>Composites <paramref name="layer"/> into <paramref name="frame"/> (the part they share); returns a notice when it cannot (transparency on a frame without alpha).</summary>
    public static string? Blend(in Frame frame, BackgroundLayer layer)
    {
        if (!layer.Ready)
        {
            return null;
        }

        int w = Math.Min(frame.Width, layer.Width), h = Math.Min(frame.Height, layer.Height);
        if (layer.AlphaOnly)
        {
            if (frame.Format is not (PixelFormat.Bgra or PixelFormat.Rgba))
            {
                return "background: transparent needs a source with alpha or the GPU compositor";
            }

            BlendAlpha(frame, layer, w, h);
            return null;
        }

        if (frame.IsPacked && !layer.Yuv)
        {
            BlendPacked(frame, layer, w, h);
        }
        else if (layer.Yuv)
        {
            BlendYuvLayer(frame, layer, w, h);
        }

        // else: a layer painted from packed frames over a YUV one (the source changed format): the next result is painted for it.

        return null;
    }

    private static void BlendAlpha(in Frame frame, BackgroundLayer layer, int w, int h)
    {
        ReadOnlySpan<int> rows = layer.Rows;
        fixed (byte* src = layer.Rgba)
        {
            for (int y = 0; y < h; y++)
            {
                byte* d = frame.Plane0 + ((long)y * frame.Stride0);
                byte* s = src + ((long)y * layer.Width * 4);
                for (int x = rows[y * 2], end = Math.Min(w, rows[(y * 2) + 1]); x < end; x++)
                {
                    int a = s[(x * 4) + 3];
                    d[(x * 4) + 3] = (byte)Div255(d[(x * 4) + 3] * (255 - a));
                }
            }
        }
    }

    private static void BlendPacked(in Frame frame, BackgroundLayer layer, int w, int h)
    {
        if (layer.Bgra == (frame.Format != PixelFormat.Rgba))
        {
            BlendSameOrder(frame, layer, w, h);
            return;
        }

        ReadOnlySpan<int> rows = layer.Rows;
        (int ri, int gi, int bi) = frame.PackedOrder;
        (int lr, int lb) = layer.Bgra ? (2, 0) : (0, 2);
        fixed (byte* src = layer.Rgba)
        {
            for (int y = 0; y < h; y++)
            {
                byte* d = frame.Plane0 + ((long)y * frame.Stride0);
                byte* s = src + ((long)y * layer.Width * 4);
                for (int x = rows[y * 2], end = Math.Min(w, rows[(y * 2) + 1]); x < end; x++)
                {
                    byte* l = s + (x * 4);
                    byte* p = d + (x * 4);
                    int a = l[3];
                    if (a == 255)
                    {
                        (p[ri], p[gi], p[bi]) = (l[lr], l[1], l[lb]);
                    }
                    else if (a != 0)
                    {
                        int keep = 255 - a;
                        p[ri] = (byte)(Div255(p[ri] * keep) + l[lr]);
                        p[gi] = (byte)(Div255(p[gi] * keep) + l[1]);
                        p[bi] = (byte)(Div255(p[bi] * keep) + l[lb]);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The layer in the frame's own byte order (the common case: the layer was painted from this
    /// source's frames): whole pixels as 32-bit words, eight at a time where they are all fully
    /// background (colour copied, the frame's alpha kept) or all person (skipped), one by one on the edge.
    /// </summary>
    private static void BlendSameOrder(in Frame frame, BackgroundLayer layer, int w, int h)
    {
        ReadOnlySpan<int> rows = layer.Rows;
        var colour = Vector256.Create(0x00FFFFFFu);
        var opaque = Vector256.Create(0xFF000000u);
        fixed (byte* src = layer.Rgba)
        {
            for (int y = 0; y < h; y++)
            {
                uint* d = (uint*)(frame.Plane0 + ((long)y * frame.Stride0));
                uint* s = (uint*)(src + ((long)y * layer.Width * 4));
                int x = rows[y * 2], end = Math.Min(w, rows[(y * 2) + 1]);
                for (; x + 8 <= end; x += 8)
                {
                    Vector256<uint> l = Vector256.Load(s + x);
                    Vector256<uint> alpha = l & opaque;
                    if (alpha == opaque)
                    {
                        Vector256<uint> f = Vector256.Load(d + x);
                        ((l & colour) | (f & opaque)).Store(d + x);
                    }
                    else if (alpha != Vector256<uint>.Zero)
                    {
                        for (int k = x; k < x + 8; k++)
                        {
                            Mix(d + k, s[k]);
                        }
                    }
                }

                for (; x < end; x++)
                {
                    Mix(d + x, s[x]);
                }
            }
        }
    }

    /// <summary>One pixel: premultiplied layer colour over the frame's, the frame's alpha kept.</summary>
    private static void Mix(uint* d, uint l)
    {
        uint a = l >> 24;
        if (a == 255)
        {
            *d = (l & 0x00FFFFFF) | (*d & 0xFF000000);
        }
        else if (a != 0)
        {
            int keep = 255 - (int)a;
            uint f = *d;
            uint c0 = (uint)Div255((int)(f & 0xFF) * keep) + (l & 0xFF);
            uint c1 = (uint)Div255((int)((f >> 8) & 0xFF) * keep) + ((l >> 8) & 0xFF);
            uint c2 = (uint)Div255((int)((f >> 16) & 0xFF) * keep) + ((l >> 16) & 0xFF);
            *d = Math.Min(c0, 255u) | (Math.Min(c1, 255u) << 8) | (Math.Min(c2, 255u) << 16) | (f & 0xFF000000);
        }
    }

    /// <summary>A layer painted in the frame's own Y, U, V (premultiplied): luma per pixel, chroma per 2x2 block with the block's mean alpha, integers only.</summary>
    private static void BlendYuvLayer(in Frame frame, BackgroundLayer layer, int w, int h)
    {
        bool nv12 = frame.Format == PixelFormat.Nv12;
        ReadOnlySpan<int> rows = layer.Rows;
        fixed (byte* src = layer.Rgba)
        {
            for (int y = 0; y < h; y++)
            {
                byte* d = frame.Plane0 + ((long)y * frame.Stride0);
                byte* s = src + ((long)y * layer.Width * 4);
                for (int x = rows[y * 2], end = Math.Min(w, rows[(y * 2) + 1]); x < end; x++)
                {
                    int a = s[(x * 4) + 3];
                    if (a == 255)
                    {
                        d[x] = s[x * 4];
                    }
                    else if (a != 0)
                    {
                        d[x] = (byte)Math.Min(255, Div255(d[x] * (255 - a)) + s[x * 4]);
                    }
                }
            }

            for (int cy = 0; cy < (h + 1) / 2; cy++)
            {
                int ya = cy * 2, yb = Math.Min(ya + 1, h - 1);
                int from = Math.Min(rows[ya * 2], rows[yb * 2]) / 2, to = Math.Min((Math.Max(rows[(ya * 2) + 1], rows[(yb * 2) + 1]) + 1) / 2, (w + 1) / 2);
                byte* up = frame.Plane1 + ((long)cy * frame.Stride1);
                byte* vp = nv12 ? up + 1 : frame.Plane2 + ((long)cy * frame.Stride2);
                int step = nv12 ? 2 : 1;
                byte* la = src + ((long)ya * layer.Width * 4), lb = src + ((long)yb * layer.Width * 4);
                for (int cx = from; cx < to; cx++)
                {
                    int xa = cx * 8, xb = Math.Min((cx * 2) + 1, w - 1) * 4;
                    int a4 = la[xa + 3] + la[xb + 3] + lb[xa + 3] + lb[xb + 3];
                    if (a4 == 0)
                    {
                        continue;
                    }

                    int keep = 255 - ((a4 + 2) >> 2), i = cx * step;
                    int u = (la[xa + 1] + la[xb + 1] + lb[xa + 1] + lb[xb + 1] + 2) >> 2, v = (la[xa + 2] + la[xb + 2] + lb[xa + 2] + lb[xb + 2] + 2) >> 2;
                    up[i] = (byte)Math.Min(255, Div255(up[i] * keep) + u);
                    vp[i] = (byte)Math.Min(255, Div255(vp[i] * keep) + v);
                }
            }
        }
    }

    /// <summary>x / 255 rounded, for x in 0..255 x 255.</summary>
    private static int Div255(int x) => (x + 128 + ((x + 128) >> 8)) >> 8;
}
