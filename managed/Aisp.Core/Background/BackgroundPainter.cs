using Aisp.Core.Frames;
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
    private int[] _x0 = [], _wx = [], _wide0 = [], _wide1 = [];
    private byte[] _yuvGrid = [], _coverYuv = [];
    private (ColorMatrix, ColorRange, int, int) _coverYuvFor;
    private byte[] _cover = [];
    private BackgroundPicture? _coverOf;
    private int _coverWidth, _coverHeight;
    private bool _coverBgra;
    private long _coverVersion;

    /// <summary>Working-grid blur radius for a strength of 1..100: up to a sixteenth of the grid's width.</summary>
    public static int BlurRadius(int strength, int gridWidth) => Math.Max(1, (int)MathF.Round(strength / 100f * gridWidth / 16f));

    /// <summary>Paints the layer; returns a notice when the mode cannot be served (replace without a picture), the layer then not ready.</summary>
    public string? Paint(PersonMask mask, string mode, int blurStrength, BackgroundPicture? picture, int width, int height, in Frame frame, BackgroundLayer into)
    {
        if (mode == BackgroundModes.Replace && picture is null)
        {
            into.Clear();
            return "background: no picture to replace it with (set a background picture)";
        }

        int gw = mask.Width, gh = mask.Height;
        bool blur = mode == BackgroundModes.Blur, replace = mode == BackgroundModes.Replace;
        bool bgra = frame.Format is PixelFormat.Bgra or PixelFormat.Bgrx, yuv = !frame.IsPacked;
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
            _coverYuvFor = default;
        }

        into.Begin(width, height, mode == BackgroundModes.Transparent, bgra, yuv, out Span<byte> layer, out Span<int> rows);
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

        // The CPU compositor's layer: the same grid (in Y, U, V for YUV frames: the conversion is
        // linear, so premultiplied colour converts as it is), upsampled bilinearly as the GPU samples it.
        ReadOnlySpan<byte> source = yuv ? ToYuv(grid, gw * gh, bgra, frame) : grid;
        Upsample(source, gw, gh, layer, rows, width, height, out long person);
        if (replace)
        {
            ReadOnlySpan<byte> cover = yuv ? CoverYuv(frame, width, height) : _cover;
            MixCover(cover, layer, rows, width, height);
        }

        into.PersonShare = (float)person / ((long)width * height);
        into.Complete();
        return null;
    }

    /// <summary>Bilinear upsampling of a 4-byte grid to the layer, separable and in 8-bit fixed point: each grid row is widened once, then each output row mixes two of them. Also the row spans and how much is person.</summary>
    private void Upsample(ReadOnlySpan<byte> grid, int gw, int gh, Span<byte> layer, Span<int> rows, int width, int height, out long person)
    {
        if (_x0.Length < width)
        {
            _x0 = new int[width];
            _wx = new int[width];
            _wide0 = new int[width * 4];
            _wide1 = new int[width * 4];
        }

        float sx = (float)gw / width, sy = (float)gh / height;
        for (int x = 0; x < width; x++)
        {
            float fx = Math.Clamp(((x + 0.5f) * sx) - 0.5f, 0, gw - 1);
            _x0[x] = Math.Min((int)fx, Math.Max(0, gw - 2));
            _wx[x] = (int)(((fx - _x0[x]) * 256) + 0.5f);
        }

        int row0 = -1, row1 = -1;
        person = 0;
        for (int y = 0; y < height; y++)
        {
            float fy = Math.Clamp(((y + 0.5f) * sy) - 0.5f, 0, gh - 1);
            int y0 = Math.Min((int)fy, Math.Max(0, gh - 2)), y1 = Math.Min(y0 + 1, gh - 1);
            int wy = (int)(((fy - y0) * 256) + 0.5f);
            if (y0 != row0)
            {
                if (y0 == row1)
                {
                    (_wide0, _wide1) = (_wide1, _wide0);
                }
                else
                {
                    Widen(grid, gw, y0, _wide0, width);
                }

                Widen(grid, gw, y1, _wide1, width);
                (row0, row1) = (y0, y1);
            }

            Span<byte> row = layer.Slice(y * width * 4, width * 4);
            int first = width, last = 0;
            for (int x = 0, i = 0; x < width; x++, i += 4)
            {
                // Rows were widened to 8.8 fixed point: mix them and round to a byte.
                int a = ((_wide0[i + 3] * (256 - wy)) + (_wide1[i + 3] * wy) + 32768) >> 16;
                if (a == 0)
                {
                    row.Slice(i, 4).Clear();
                    person++;
                    continue;
                }

                (first, last) = (Math.Min(first, x), x + 1);
                row[i] = (byte)(((_wide0[i] * (256 - wy)) + (_wide1[i] * wy) + 32768) >> 16);
                row[i + 1] = (byte)(((_wide0[i + 1] * (256 - wy)) + (_wide1[i + 1] * wy) + 32768) >> 16);
                row[i + 2] = (byte)(((_wide0[i + 2] * (256 - wy)) + (_wide1[i + 2] * wy) + 32768) >> 16);
                row[i + 3] = (byte)a;
            }

            rows[y * 2] = first;
            rows[(y * 2) + 1] = Math.Max(first, last);
        }
    }

    private void Widen(ReadOnlySpan<byte> grid, int gw, int gy, int[] into, int width)
    {
        int r = gy * gw * 4, last = r + ((gw - 1) * 4);
        for (int x = 0, o = 0; x < width; x++, o += 4)
        {
            int c0 = r + (_x0[x] * 4), c1 = Math.Min(c0 + 4, last), w = _wx[x];
            into[o] = (grid[c0] * (256 - w)) + (grid[c1] * w);
            into[o + 1] = (grid[c0 + 1] * (256 - w)) + (grid[c1 + 1] * w);
            into[o + 2] = (grid[c0 + 2] * (256 - w)) + (grid[c1 + 2] * w);
            into[o + 3] = (grid[c0 + 3] * (256 - w)) + (grid[c1 + 3] * w);
        }
    }

    /// <summary>Replace: the picture (in the layer's colour order) times the layer's alpha, where the background shows.</summary>
    private static void MixCover(ReadOnlySpan<byte> cover, Span<byte> layer, ReadOnlySpan<int> rows, int width, int height)
    {
        for (int y = 0; y < height; y++)
        {
            for (int x = rows[y * 2], i = ((y * width) + x) * 4; x < rows[(y * 2) + 1]; x++, i += 4)
            {
                int a = layer[i + 3];
                layer[i] = (byte)(((cover[i] * a) + 127) / 255);
                layer[i + 1] = (byte)(((cover[i + 1] * a) + 127) / 255);
                layer[i + 2] = (byte)(((cover[i + 2] * a) + 127) / 255);
            }
        }
    }

    /// <summary>The grid's premultiplied colour as premultiplied Y, U, V (the frame's matrix and range; offsets times alpha), alpha kept.</summary>
    private ReadOnlySpan<byte> ToYuv(ReadOnlySpan<byte> rgba, int pixels, bool bgra, in Frame frame)
    {
        if (_yuvGrid.Length < pixels * 4)
        {
            _yuvGrid = new byte[pixels * 4];
        }

        var enc = new YuvEncoder(frame.Matrix, frame.Range);
        int ri = bgra ? 2 : 0, bi = bgra ? 0 : 2;
        float y0 = enc.Luma(0, 0, 0);
        (float u0, float v0) = enc.Chroma(0, 0, 0);
        for (int i = 0; i < pixels * 4; i += 4)
        {
            float k = rgba[i + 3] / 255f, r = rgba[i + ri], g = rgba[i + 1], b = rgba[i + bi];
            (float u, float v) = enc.Chroma(r, g, b);
            _yuvGrid[i] = (byte)Math.Clamp(enc.Luma(r, g, b) - y0 + (y0 * k) + 0.5f, 0, 255);
            _yuvGrid[i + 1] = (byte)Math.Clamp(u - u0 + (u0 * k) + 0.5f, 0, 255);
            _yuvGrid[i + 2] = (byte)Math.Clamp(v - v0 + (v0 * k) + 0.5f, 0, 255);
            _yuvGrid[i + 3] = rgba[i + 3];
        }

        return _yuvGrid.AsSpan(0, pixels * 4);
    }

    /// <summary>The replacement picture in the frame's Y, U, V, once per picture, size and colour space.</summary>
    private ReadOnlySpan<byte> CoverYuv(in Frame frame, int width, int height)
    {
        var key = (frame.Matrix, frame.Range, width, height);
        if (_coverYuvFor != key)
        {
            _coverYuv = new byte[width * height * 4];
            var enc = new YuvEncoder(frame.Matrix, frame.Range);
            int ri = _coverBgra ? 2 : 0, bi = _coverBgra ? 0 : 2;
            for (int i = 0; i < width * height * 4; i += 4)
            {
                float r = _cover[i + ri], g = _cover[i + 1], b = _cover[i + bi];
                (float u, float v) = enc.Chroma(r, g, b);
                (_coverYuv[i], _coverYuv[i + 1], _coverYuv[i + 2], _coverYuv[i + 3]) =
                    ((byte)Math.Clamp(enc.Luma(r, g, b) + 0.5f, 0, 255), (byte)Math.Clamp(u + 0.5f, 0, 255), (byte)Math.Clamp(v + 0.5f, 0, 255), 255);
            }

            _coverYuvFor = key;
        }

        return _coverYuv;
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

            FloatBoxBlur.Apply(plane, gw, gh, radius, _scratch, zeroOutside: true);
            for (int i = 0; i < n; i++)
            {
                _bg[(i * 3) + c] = plane[i];
            }
        }

        FloatBoxBlur.Apply(_weight.AsSpan(0, n), gw, gh, radius, _scratch, zeroOutside: true); // the border: an average of the frame's own samples
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
