using Aisp.Core.Frames;

namespace Aisp.Core.Detection;

/// <summary>
/// What one extra detector run looks at: the whole frame turned by <see cref="Degrees"/> (a head
/// lying sideways or upside down becomes upright for the detector), or a tile of the frame at a
/// larger scale than the whole-frame run (faces too small for it). Views are fixed for a frame
/// size, so their order and cadence are the same on every run of the same file.
/// </summary>
public readonly record struct ViewSpec(ViewKind Kind, int Degrees, float Left, float Top, float Width, float Height, float Scale)
{
    /// <summary>The whole frame turned by <paramref name="degrees"/>, scaled to fit the detector's input (which would letterbox a larger view down to it anyway).</summary>
    public static ViewSpec Turned(int degrees, int frameWidth, int frameHeight, int inputWidth, int inputHeight)
    {
        float rad = degrees * MathF.PI / 180f, cos = MathF.Abs(MathF.Cos(rad)), sin = MathF.Abs(MathF.Sin(rad));
        float w = (frameWidth * cos) + (frameHeight * sin), h = (frameWidth * sin) + (frameHeight * cos);
        return new(ViewKind.Turned, degrees, 0, 0, frameWidth, frameHeight, Math.Min(1f, Math.Min(inputWidth / w, inputHeight / h)));
    }

    public static ViewSpec Tile(float left, float top, float width, float height, float scale) =>
        new(ViewKind.Tile, 0, left, top, width, height, scale);

    /// <summary>The frame with a margin of <paramref name="margin"/> of its size on every side, filled by mirroring the frame at its edges.</summary>
    public static ViewSpec Mirrored(float margin, int frameWidth, int frameHeight, int inputWidth, int inputHeight)
    {
        float w = frameWidth * (1 + (2 * margin)), h = frameHeight * (1 + (2 * margin));
        return new(ViewKind.Mirrored, 0, -frameWidth * margin, -frameHeight * margin, w, h, Math.Min(1f, Math.Min(inputWidth / w, inputHeight / h)));
    }

    public override string ToString() => Kind switch
    {
        ViewKind.Turned => $"turned {Degrees}",
        ViewKind.Mirrored => "mirrored edges",
        _ => $"tile {Left:0},{Top:0} {Width:0}x{Height:0} x{Scale:0.##}",
    };
}

public enum ViewKind
{
    Turned,
    Tile,

    /// <summary>
    /// The frame seen with mirrored margins: half a face cut by the frame's edge, completed by its own
    /// mirror image, looks like a whole face to a detector that passes the half alone over.
    /// </summary>
    Mirrored,
}

/// <summary>
/// Renders a <see cref="ViewSpec"/> of a frame (any supported format) into an owned BGRA picture
/// the detectors take as a frame, and maps boxes found there back to frame pixels (a box found in
/// a turned view becomes the upright box around its four turned corners: larger, never smaller).
/// Each view pixel averages four frame samples around its centre, enough anti-aliasing for the
/// scales used (0.3 to 1). The buffer grows to the largest view once; nothing is allocated after.
/// </summary>
public sealed unsafe class DetectionView
{
    private byte[] _buffer = [];

    // View pixel (u, v) -> frame point (X0 + Ux u + Vx v, Y0 + Uy u + Vy v): the centre of view pixel u is at u + 0.5.
    private float _x0, _y0, _ux, _uy, _vx, _vy;
    private bool _mirror;

    public int Width { get; private set; }

    public int Height { get; private set; }

    /// <summary>The roll, in the frame, of a face upright in the view (radians, clockwise in image coordinates, as <see cref="Face.Roll"/>).</summary>
    public float Roll => MathF.Atan2(_uy, _ux);

    /// <summary>Renders the view; the returned frame is valid until the next call.</summary>
    public Frame Render(in Frame frame, in ViewSpec spec)
    {
        float s = spec.Scale;
        float rad = spec.Degrees * MathF.PI / 180f;
        float cos = MathF.Cos(rad), sin = MathF.Sin(rad);
        if (MathF.Abs(cos) < 1e-6f)
        {
            cos = 0;
        }

        if (MathF.Abs(sin) < 1e-6f)
        {
            sin = 0;
        }

        // The view is the region turned by +degrees (clockwise on screen) and scaled by s; its size is
        // the bounding box of the turned region.
        float rw = spec.Width * s, rh = spec.Height * s;
        Width = Math.Max(1, (int)MathF.Ceiling((MathF.Abs(rw * cos) + MathF.Abs(rh * sin)) - 0.01f));
        Height = Math.Max(1, (int)MathF.Ceiling((MathF.Abs(rw * sin) + MathF.Abs(rh * cos)) - 0.01f));

        // Inverse map: view offset from the view's centre, turned back by -degrees, divided by s,
        // plus the region's centre.
        _ux = cos / s;
        _uy = -sin / s;
        _vx = sin / s;
        _vy = cos / s;
        float rcx = spec.Left + (spec.Width / 2), rcy = spec.Top + (spec.Height / 2);
        _x0 = rcx - (_ux * Width / 2) - (_vx * Height / 2);
        _y0 = rcy - (_uy * Width / 2) - (_vy * Height / 2);

        _mirror = spec.Kind == ViewKind.Mirrored;
        int bytes = Width * Height * 4;
        if (_buffer.Length < bytes)
        {
            _buffer = GC.AllocateUninitializedArray<byte>(bytes, pinned: true);
        }

        fixed (byte* dst = _buffer)
        {
            Fill(frame, dst);
            Span<nint> planes = [(nint)dst];
            Span<long> strides = [Width * 4L];
            return FrameValidator.Validate(PixelFormat.Bgra, Width, Height, planes, strides, frame.TimestampNs);
        }
    }

    /// <summary>Frame coordinates of a point of the view.</summary>
    public PointF ToFrame(float u, float v) => new(_x0 + (_ux * u) + (_vx * v), _y0 + (_uy * u) + (_vy * v));

    /// <summary>The upright frame box around a view box's four corners.</summary>
    public BoxF ToFrame(in BoxF box)
    {
        PointF a = ToFrame(box.Left, box.Top), b = ToFrame(box.Right, box.Top), c = ToFrame(box.Left, box.Bottom), d = ToFrame(box.Right, box.Bottom);
        return new BoxF(MathF.Min(MathF.Min(a.X, b.X), MathF.Min(c.X, d.X)), MathF.Min(MathF.Min(a.Y, b.Y), MathF.Min(c.Y, d.Y)),
            MathF.Max(MathF.Max(a.X, b.X), MathF.Max(c.X, d.X)), MathF.Max(MathF.Max(a.Y, b.Y), MathF.Max(c.Y, d.Y)));
    }

    /// <summary>A coordinate outside 0..size mirrored back inside at the edge it crossed.</summary>
    private static float Reflect(float c, float size) => c < 0 ? MathF.Min(-c, size) : c > size ? MathF.Max(0, (2 * size) - c) : c;

    private void Fill(in Frame frame, byte* dst)
    {
        var sampler = new RgbSampler(frame);
        bool packed = frame.IsPacked; // read packed pixels straight: the sampler's per-format switch per sample costs more than the rest
        (int ro, int go, int bo) = frame.PackedOrder;
        int maxX = frame.Width - 1, maxY = frame.Height - 1;

        // The four samples sit a quarter of a view pixel from its centre, along the view's axes.
        float qux = _ux * 0.25f, quy = _uy * 0.25f, qvx = _vx * 0.25f, qvy = _vy * 0.25f;
        for (int v = 0; v < Height; v++)
        {
            uint* row = (uint*)(dst + ((long)v * Width * 4));
            float bx = _x0 + (_vx * (v + 0.5f)) + (_ux * 0.5f), by = _y0 + (_vy * (v + 0.5f)) + (_uy * 0.5f);
            for (int u = 0; u < Width; u++)
            {
                float cx = bx + (_ux * u), cy = by + (_uy * u);
                if (_mirror)
                {
                    cx = Reflect(cx, maxX + 1);
                    cy = Reflect(cy, maxY + 1);
                }

                if (cx < 0 || cy < 0 || cx > maxX + 1 || cy > maxY + 1)
                {
                    row[u] = 0xFF000000; // outside the frame: black, as the detectors' own letterbox pads
                    continue;
                }

                int r = 0, g = 0, b = 0;
                for (int k = 0; k < 4; k++)
                {
                    float sx = cx + ((k & 1) == 0 ? -qux : qux) + ((k & 2) == 0 ? -qvx : qvx);
                    float sy = cy + ((k & 1) == 0 ? -quy : quy) + ((k & 2) == 0 ? -qvy : qvy);
                    int ix = Math.Clamp((int)sx, 0, maxX), iy = Math.Clamp((int)sy, 0, maxY);
                    if (packed)
                    {
                        byte* p = frame.Plane0 + ((long)iy * frame.Stride0) + (ix * 4);
                        r += p[ro];
                        g += p[go];
                        b += p[bo];
                        continue;
                    }

                    sampler.Sample(ix, iy, out int sr, out int sg, out int sb);
                    r += sr;
                    g += sg;
                    b += sb;
                }

                row[u] = 0xFF000000u | ((uint)((r + 2) >> 2) << 16) | ((uint)((g + 2) >> 2) << 8) | (uint)((b + 2) >> 2);
            }
        }
    }
}
