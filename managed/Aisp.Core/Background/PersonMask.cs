using Aisp.Core.Frames;
using Aisp.Core.Swap;

namespace Aisp.Core.Background;

/// <summary>
/// The person mask at a working resolution (the analysis copy at most <see cref="MaxWidth"/>
/// wide), from the segmenter's coarse probabilities: resampled to the working grid, smoothed over
/// time (so a still person's edge does not flicker), then refined along the picture's own edges
/// with a guided filter (He et al.: the mask made locally linear in the frame's luma, so the
/// edge snaps to hair and shoulders instead of the model's 256-pixel blur), and steepened. Also
/// keeps the frame's colours at the working resolution, which the blurred background is made of.
/// Buffers are sized once per frame size.
/// </summary>
public sealed class PersonMask
{
    public const int MaxWidth = 320;

    /// <summary>Weight of the newest mask in the running average (the rest is the previous one).</summary>
    private const float NewWeight = 0.6f;

    /// <summary>The guided filter's regulariser: below this luma variance a window counts as flat and the mask is only averaged there.</summary>
    private const float Epsilon = 0.004f;

    private float[] _average = [], _refined = [], _rgb = [], _luma = [];
    private float[] _meanI = [], _meanP = [], _corrII = [], _corrIP = [], _scratch = [];
    private bool _warm;

    public int Width { get; private set; }

    public int Height { get; private set; }

    /// <summary>How the frame maps onto the working grid.</summary>
    public Letterbox Grid { get; private set; }

    /// <summary>The refined mask, 0 (background) .. 1 (person), row by row.</summary>
    public ReadOnlySpan<float> Mask => _refined.AsSpan(0, Width * Height);

    /// <summary>The frame's colours on the working grid (R, G, B floats 0..255 per pixel).</summary>
    public ReadOnlySpan<float> Rgb => _rgb.AsSpan(0, Width * Height * 3);

    /// <summary>Forgets the running average (a new source, a switched model): the next mask is taken as it comes.</summary>
    public void Reset() => _warm = false;

    public void Update(in Frame frame, ReadOnlySpan<float> probabilities, in Letterbox modelBox)
    {
        int w = Math.Min(MaxWidth, frame.Width), h = Math.Max(1, (int)MathF.Round(frame.Height * (float)w / frame.Width));
        if (w != Width || h != Height)
        {
            Allocate(w, h);
        }

        Grid = new Letterbox(frame.Width, frame.Height, w, h);
        TensorFiller.Fill(frame, Grid, TensorLayout.Nhwc, 0, 1, _rgb);
        ExtendEdges(Grid.Covered(frame.Width, frame.Height));
        Resample(probabilities, modelBox);
        Refine();
    }

    private void Allocate(int w, int h)
    {
        (Width, Height, _warm) = (w, h, false);
        int n = w * h;
        _average = new float[n];
        _refined = new float[n];
        _luma = new float[n];
        _meanI = new float[n];
        _meanP = new float[n];
        _corrII = new float[n];
        _corrIP = new float[n];
        _rgb = new float[n * 3];
        _scratch = new float[Math.Max(w, h)];
    }

    /// <summary>
    /// The grid's height is rounded, so a column or row at its edge can fall outside the frame
    /// (letterbox padding, black): it takes the frame's edge instead. A black edge column, repeated
    /// by the blur's border, greyed a white border by a third over 80 px.
    /// </summary>
    private void ExtendEdges((int X0, int X1, int Y0, int Y1) covered)
    {
        (int x0, int x1, int y0, int y1) = covered;
        if (x1 <= x0 || y1 <= y0)
        {
            return;
        }

        Span<float> rgb = _rgb.AsSpan(0, Width * Height * 3);
        for (int y = y0; y < y1; y++)
        {
            Span<float> row = rgb.Slice(y * Width * 3, Width * 3);
            for (int x = 0; x < x0; x++)
            {
                row.Slice(x0 * 3, 3).CopyTo(row.Slice(x * 3, 3));
            }

            for (int x = x1; x < Width; x++)
            {
                row.Slice((x1 - 1) * 3, 3).CopyTo(row.Slice(x * 3, 3));
            }
        }

        for (int y = 0; y < y0; y++)
        {
            rgb.Slice(y0 * Width * 3, Width * 3).CopyTo(rgb.Slice(y * Width * 3, Width * 3));
        }

        for (int y = y1; y < Height; y++)
        {
            rgb.Slice((y1 - 1) * Width * 3, Width * 3).CopyTo(rgb.Slice(y * Width * 3, Width * 3));
        }
    }

    /// <summary>The model's probabilities, bilinear, at each working pixel's centre, averaged into the previous mask.</summary>
    private void Resample(ReadOnlySpan<float> p, in Letterbox modelBox)
    {
        int mw = modelBox.InputWidth, mh = modelBox.InputHeight;
        float k = _warm ? NewWeight : 1;
        _warm = true;
        for (int y = 0; y < Height; y++)
        {
            float fy = ((y + 0.5f - Grid.PadY) / Grid.Scale * modelBox.Scale) + modelBox.PadY - 0.5f;
            fy = Math.Clamp(fy, 0, mh - 1);
            int y0 = (int)fy, y1 = Math.Min(y0 + 1, mh - 1);
            float wy = fy - y0;
            for (int x = 0; x < Width; x++)
            {
                float fx = ((x + 0.5f - Grid.PadX) / Grid.Scale * modelBox.Scale) + modelBox.PadX - 0.5f;
                fx = Math.Clamp(fx, 0, mw - 1);
                int x0 = (int)fx, x1 = Math.Min(x0 + 1, mw - 1);
                float wx = fx - x0;
                float top = p[(y0 * mw) + x0] + ((p[(y0 * mw) + x1] - p[(y0 * mw) + x0]) * wx);
                float bottom = p[(y1 * mw) + x0] + ((p[(y1 * mw) + x1] - p[(y1 * mw) + x0]) * wx);
                float v = top + ((bottom - top) * wy);
                ref float m = ref _average[(y * Width) + x];
                m += (v - m) * k;
            }
        }
    }

    /// <summary>Guided filter with the frame's luma as the guide, then a smoothstep that makes the soft edge steeper.</summary>
    private void Refine()
    {
        int n = Width * Height;
        int radius = Math.Max(2, Width / 80);
        for (int i = 0; i < n; i++)
        {
            float l = ((0.299f * _rgb[i * 3]) + (0.587f * _rgb[(i * 3) + 1]) + (0.114f * _rgb[(i * 3) + 2])) / 255f;
            _luma[i] = l;
            _meanI[i] = l;
            _meanP[i] = _average[i];
            _corrII[i] = l * l;
            _corrIP[i] = l * _average[i];
        }

        foreach (float[] plane in (float[][])[_meanI, _meanP, _corrII, _corrIP])
        {
            FloatBoxBlur.Apply(plane.AsSpan(0, n), Width, Height, radius, _scratch);
        }

        // a and b of each window, stored over meanP / corrIP, then averaged too.
        for (int i = 0; i < n; i++)
        {
            float variance = _corrII[i] - (_meanI[i] * _meanI[i]);
            float covariance = _corrIP[i] - (_meanI[i] * _meanP[i]);
            float a = covariance / (variance + Epsilon);
            _corrIP[i] = a;
            _meanP[i] -= a * _meanI[i];
        }

        FloatBoxBlur.Apply(_corrIP.AsSpan(0, n), Width, Height, radius, _scratch);
        FloatBoxBlur.Apply(_meanP.AsSpan(0, n), Width, Height, radius, _scratch);
        for (int i = 0; i < n; i++)
        {
            float q = (_corrIP[i] * _luma[i]) + _meanP[i];
            float t = Math.Clamp((q - 0.2f) / 0.6f, 0, 1);
            _refined[i] = t * t * (3 - (2 * t));
        }
    }
}
