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
    private bool _coverBgra;
    private long _coverVersion;

    /// <summary>Working-grid blur radius for a strength of 1..100: up to a sixteenth of the grid's width.</summary>
    public static int BlurRadius(int strength, int gridWidth) => Math.Max(1, (int)MathF.Round(strength / 100f * gridWidth / 16f));

    /// <summary>Paints the layer; returns a notice when the mode cannot be served (replace without a picture), the layer then not ready.</summary>
    public string? Paint(PersonMask mask, string mode, int blurStrength, BackgroundPicture? picture, int width, int height, bool bgra, BackgroundLayer into)
    {
        if (mode == BackgroundModes.Replace && picture is null)
        {
            into.Clear();
            return "background: no picture to replace it with (set a background picture)";
        }

        int gw = mask.Width, gh = mask.Height;
        bool blur = mode == BackgroundModes.Blur, replace = mode == BackgroundModes.Replace;
        if (blur)
        {
            BlurBackground(mask, blurStrength);
        }
        else if (replace && (picture != _coverOf || width != _coverWidth || height != _coverHeight || bgra != _coverBgra))
        {
            // A new array, not the old one refilled: a GPU upload of the previous result may still read it. Once per picture and size.
            _cover = new byte[width * height * 4];
            picture!.CoverInto(_cover, width, height, bgra);
            (_coverOf, _coverWidth, _coverHeight, _coverBgra) = (picture, width, height, bgra);
            _coverVersion++;
        }

        into.Begin(width, height, mode == BackgroundModes.Transparent, bgra, out Span<byte> rgba, out Span<int> rows);
        into.SetCover(replace ? _cover : null, _coverVersion);
        int ri = bgra ? 2 : 0, bi = bgra ? 0 : 2;

        // The layer on the working grid: premultiplied bytes, what the GPU compositor uploads and samples (bilinear).
        Span<byte> grid = into.BeginGrid(gw, gh);
        ReadOnlySpan<float> m = mask.Mask;
        for (int i = 0; i < gw * gh; i++)
        {
            int a = (int)(((1 - m[i]) * 255) + 0.5f);
            float k = a / 255f;
            Span<byte> g = grid.Slice(i * 4, 4);
            g[3] = (byte)a;
            (g[ri], g[1], g[bi]) = blur ? ((byte)((_bg[i * 3] * k) + 0.5f), (byte)((_bg[(i * 3) + 1] * k) + 0.5f), (byte)((_bg[(i * 3) + 2] * k) + 0.5f)) : ((byte)0, (byte)0, (byte)0);
        }

        // At the output's size, for the CPU compositor: the same grid, bilinear (as the GPU samples it), in bytes.
        if (_x0.Length < width)
        {
            _x0 = new int[width];
            _wx = new float[width];
        }

        float sx = (float)gw / width, sy = (float)gh / height;
        for (int x = 0; x < width; x++)
        {
            float fx = Math.Clamp(((x + 0.5f) * sx) - 0.5f, 0, gw - 1);
            _x0[x] = Math.Min((int)fx, Math.Max(0, gw - 2));
            _wx[x] = fx - _x0[x];
        }

        long person = 0;
        for (int y = 0; y < height; y++)
        {
            float fy = Math.Clamp(((y + 0.5f) * sy) - 0.5f, 0, gh - 1);
            int y0 = Math.Min((int)fy, Math.Max(0, gh - 2)), y1 = Math.Min(y0 + 1, gh - 1);
            float wy = fy - y0;
            int r0 = y0 * gw * 4, r1 = y1 * gw * 4;
            int first = width, last = 0;
            Span<byte> row = rgba.Slice(y * width * 4, width * 4);
            for (int x = 0; x < width; x++)
            {
                int c00 = r0 + (_x0[x] * 4), c01 = Math.Min(c00 + 4, r0 + (gw * 4) - 4), c10 = r1 + (_x0[x] * 4), c11 = Math.Min(c10 + 4, r1 + (gw * 4) - 4);
                float wx = _wx[x];
                int a = (int)(Lerp(grid, c00 + 3, c01 + 3, c10 + 3, c11 + 3, wx, wy) + 0.5f);
                Span<byte> px = row.Slice(x * 4, 4);
                if (a <= 0)
                {
                    px.Clear();
                    person++;
                    continue;
                }

                (first, last) = (Math.Min(first, x), x + 1);
                px[3] = (byte)a;
                if (replace)
                {
                    int i = ((y * width) + x) * 4;
                    float k = a / 255f;
                    (px[0], px[1], px[2]) = ((byte)((_cover[i] * k) + 0.5f), (byte)((_cover[i + 1] * k) + 0.5f), (byte)((_cover[i + 2] * k) + 0.5f));
                }
                else
                {
                    px[0] = (byte)(Lerp(grid, c00, c01, c10, c11, wx, wy) + 0.5f);
                    px[1] = (byte)(Lerp(grid, c00 + 1, c01 + 1, c10 + 1, c11 + 1, wx, wy) + 0.5f);
                    px[2] = (byte)(Lerp(grid, c00 + 2, c01 + 2, c10 + 2, c11 + 2, wx, wy) + 0.5f);
                }
            }

            rows[y * 2] = first;
            rows[(y * 2) + 1] = Math.Max(first, last);
        }

        into.PersonShare = (float)person / ((long)width * height);
        into.Complete();
        return null;
    }

    private static float Lerp(Span<byte> g, int i00, int i01, int i10, int i11, float wx, float wy)
    {
        float top = g[i00] + ((g[i01] - g[i00]) * wx), bottom = g[i10] + ((g[i11] - g[i10]) * wx);
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
