using Aisp.Core.Settings;
using Aisp.Core.Swap;

namespace Aisp.Core.Background;

/// <summary>
/// Paints a <see cref="BackgroundLayer"/> at the output's size from the refined person mask: its
/// alpha is where the background shows (1 - mask, bilinear from the working grid), its colour the
/// blurred background (mode "blur"), the replacement picture ("replace") or nothing
/// ("transparent"). The blur is a normalised convolution of the background alone (the frame times
/// 1 - mask, blurred, over 1 - mask blurred), so the person's colours do not bleed into the blur
/// around them. Runs on the analysis thread; buffers are sized once per output size.
/// </summary>
public sealed class BackgroundPainter
{
    private float[] _bg = [], _weight = [], _scratch = [], _plane = [];
    private int[] _x0 = [];
    private float[] _wx = [];
    private byte[] _cover = [];
    private BackgroundPicture? _coverOf;
    private int _coverWidth, _coverHeight;

    /// <summary>Working-grid blur radius for a strength of 1..100: up to a sixteenth of the grid's width.</summary>
    public static int BlurRadius(int strength, int gridWidth) => Math.Max(1, (int)MathF.Round(strength / 100f * gridWidth / 16f));

    /// <summary>Paints the layer; returns a notice when the mode cannot be served (replace without a picture), the layer then not ready.</summary>
    public string? Paint(PersonMask mask, string mode, int blurStrength, BackgroundPicture? picture, int width, int height, BackgroundLayer into)
    {
        if (mode == BackgroundModes.Replace && picture is null)
        {
            into.Clear();
            return "background: no picture to replace it with (set a background picture)";
        }

        int gw = mask.Width, gh = mask.Height;
        if (mode == BackgroundModes.Blur)
        {
            BlurBackground(mask, blurStrength);
        }
        else if (mode == BackgroundModes.Replace && (picture != _coverOf || width != _coverWidth || height != _coverHeight))
        {
            if (_cover.Length < width * height * 3)
            {
                _cover = new byte[width * height * 3];
            }

            picture!.CoverInto(_cover, width, height);
            (_coverOf, _coverWidth, _coverHeight) = (picture, width, height);
        }

        // Each output column's place on the working grid, once per row length.
        if (_x0.Length < width)
        {
            _x0 = new int[width];
            _wx = new float[width];
        }

        // The grid and the output both span the whole frame: output pixel centres map to the grid by the ratio of their sizes.
        into.Begin(width, height, mode == BackgroundModes.Transparent, out Span<byte> rgba, out Span<int> rows);
        float sx = (float)gw / width, sy = (float)gh / height;
        for (int x = 0; x < width; x++)
        {
            float fx = Math.Clamp(((x + 0.5f) * sx) - 0.5f, 0, gw - 1);
            _x0[x] = Math.Min((int)fx, gw - 2 < 0 ? 0 : gw - 2);
            _wx[x] = fx - _x0[x];
        }

        ReadOnlySpan<float> m = mask.Mask;
        bool blur = mode == BackgroundModes.Blur, replace = mode == BackgroundModes.Replace;
        long person = 0;
        for (int y = 0; y < height; y++)
        {
            float fy = Math.Clamp(((y + 0.5f) * sy) - 0.5f, 0, gh - 1);
            int y0 = Math.Min((int)fy, Math.Max(0, gh - 2)), y1 = Math.Min(y0 + 1, gh - 1);
            float wy = fy - y0;
            int r0 = y0 * gw, r1 = y1 * gw;
            int first = width, last = 0;
            Span<byte> row = rgba.Slice(y * width * 4, width * 4);
            for (int x = 0; x < width; x++)
            {
                int x0 = _x0[x], x1 = Math.Min(x0 + 1, gw - 1);
                float wx = _wx[x];
                float top = m[r0 + x0] + ((m[r0 + x1] - m[r0 + x0]) * wx);
                float bottom = m[r1 + x0] + ((m[r1 + x1] - m[r1 + x0]) * wx);
                float shows = 1 - (top + ((bottom - top) * wy));
                int a = (int)((shows * 255) + 0.5f);
                Span<byte> px = row.Slice(x * 4, 4);
                if (a <= 0)
                {
                    px.Clear();
                    person++;
                    continue;
                }

                (first, last) = (Math.Min(first, x), x + 1);
                float r = 0, g = 0, b = 0;
                if (blur)
                {
                    (r, g, b) = (Bilinear(_bg, gw, r0, r1, x0, x1, wx, wy, 0), Bilinear(_bg, gw, r0, r1, x0, x1, wx, wy, 1), Bilinear(_bg, gw, r0, r1, x0, x1, wx, wy, 2));
                }
                else if (replace)
                {
                    int i = ((y * width) + x) * 3;
                    (r, g, b) = (_cover[i], _cover[i + 1], _cover[i + 2]);
                }

                float k = a / 255f;
                px[0] = (byte)((r * k) + 0.5f);
                px[1] = (byte)((g * k) + 0.5f);
                px[2] = (byte)((b * k) + 0.5f);
                px[3] = (byte)a;
            }

            rows[y * 2] = first;
            rows[(y * 2) + 1] = Math.Max(first, last);
        }

        into.PersonShare = (float)person / ((long)width * height);
        into.Complete();
        return null;
    }

    private static float Bilinear(float[] rgb, int gw, int r0, int r1, int x0, int x1, float wx, float wy, int c)
    {
        float a = rgb[((r0 + x0) * 3) + c], b = rgb[((r0 + x1) * 3) + c], d = rgb[((r1 + x0) * 3) + c], e = rgb[((r1 + x1) * 3) + c];
        float top = a + ((b - a) * wx), bottom = d + ((e - d) * wx);
        return top + ((bottom - top) * wy);
    }

    /// <summary>The background alone, blurred: blur(rgb x (1 - mask)) / blur(1 - mask), where the latter is above a trace; elsewhere (deep inside the person) the plain blur.</summary>
    private void BlurBackground(PersonMask mask, int strength)
    {
        int gw = mask.Width, gh = mask.Height, n = gw * gh;
        if (_weight.Length < n)
        {
            _weight = new float[n];
            _bg = new float[n * 3];
            _scratch = new float[Math.Max(gw, gh)];
        }

        ReadOnlySpan<float> m = mask.Mask, rgb = mask.Rgb;
        int radius = BlurRadius(strength, gw);
        Span<float> plane = Plane(n);
        for (int i = 0; i < n; i++)
        {
            _weight[i] = 1 - m[i];
        }

        for (int c = 0; c < 3; c++)
        {
            for (int i = 0; i < n; i++)
            {
                plane[i] = rgb[(i * 3) + c] * _weight[i];
            }

            FloatBoxBlur.Apply(plane, gw, gh, radius, _scratch);
            for (int i = 0; i < n; i++)
            {
                _bg[(i * 3) + c] = plane[i];
            }
        }

        FloatBoxBlur.Apply(_weight.AsSpan(0, n), gw, gh, radius, _scratch);
        for (int i = 0; i < n; i++)
        {
            float w = _weight[i];
            if (w > 0.02f)
            {
                float inv = 1 / w;
                _bg[i * 3] *= inv;
                _bg[(i * 3) + 1] *= inv;
                _bg[(i * 3) + 2] *= inv;
            }
            else
            {
                _bg[i * 3] = rgb[i * 3];
                _bg[(i * 3) + 1] = rgb[(i * 3) + 1];
                _bg[(i * 3) + 2] = rgb[(i * 3) + 2];
            }
        }
    }

    private Span<float> Plane(int n)
    {
        if (_plane.Length < n)
        {
            _plane = new float[n];
        }

        return _plane.AsSpan(0, n);
    }
}
