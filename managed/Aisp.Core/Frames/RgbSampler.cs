namespace Aisp.Core.Frames;

/// <summary>
/// Reads one RGB pixel from any supported frame layout. Used to build detector inputs straight
/// from the frame's own planes, so no full-frame colour conversion ever happens.
/// </summary>
public readonly unsafe struct RgbSampler
{
    private readonly Frame _frame;
    private readonly int _yOffset;
    private readonly int _yScale; // 16.16 fixed point
    private readonly int _crv, _cgu, _cgv, _cbu;

    public RgbSampler(in Frame frame)
    {
        _frame = frame;
        bool full = frame.Range == ColorRange.Full;
        _yOffset = full ? 0 : 16;
        double yScale = full ? 1.0 : 255.0 / 219.0;
        double cScale = full ? 1.0 : 255.0 / 224.0;
        (double kr, double kb) = frame.Matrix == ColorMatrix.Bt601 ? (0.299, 0.114) : (0.2126, 0.0722);
        double kg = 1 - kr - kb;
        _yScale = (int)(yScale * 65536);
        _crv = (int)(2 * (1 - kr) * cScale * 65536);
        _cbu = (int)(2 * (1 - kb) * cScale * 65536);
        _cgu = (int)(2 * (1 - kb) * kb / kg * cScale * 65536);
        _cgv = (int)(2 * (1 - kr) * kr / kg * cScale * 65536);
    }

    /// <summary>Returns R, G, B (0..255) of the pixel at (x, y); coordinates must be inside the frame.</summary>
    public void Sample(int x, int y, out int r, out int g, out int b)
    {
        ref readonly Frame f = ref _frame; // no copy of the frame per pixel
        switch (f.Format)
        {
            case PixelFormat.Rgba:
            {
                byte* p = f.Plane0 + ((long)y * f.Stride0) + (x * 4);
                r = p[0]; g = p[1]; b = p[2];
                return;
            }
            case PixelFormat.Bgra or PixelFormat.Bgrx:
            {
                byte* p = f.Plane0 + ((long)y * f.Stride0) + (x * 4);
                r = p[2]; g = p[1]; b = p[0];
                return;
            }
            case PixelFormat.Nv12:
            {
                int yy = f.Plane0[((long)y * f.Stride0) + x];
                byte* uv = f.Plane1 + ((long)(y >> 1) * f.Stride1) + ((x >> 1) * 2);
                Yuv(yy, uv[0], uv[1], out r, out g, out b);
                return;
            }
            default: // I420: the validator admits no other format
            {
                int yy = f.Plane0[((long)y * f.Stride0) + x];
                int u = f.Plane1[((long)(y >> 1) * f.Stride1) + (x >> 1)];
                int v = f.Plane2[((long)(y >> 1) * f.Stride2) + (x >> 1)];
                Yuv(yy, u, v, out r, out g, out b);
                return;
            }
        }
    }

    /// <summary>Converts one Y, U, V triple (0..255 each) with this frame's matrix and range.</summary>
    public void Yuv(int y, int u, int v, out int r, out int g, out int b)
    {
        int c = (y - _yOffset) * _yScale;
        int d = u - 128, e = v - 128;
        r = Clamp((c + (_crv * e) + 32768) >> 16);
        g = Clamp((c - (_cgu * d) - (_cgv * e) + 32768) >> 16);
        b = Clamp((c + (_cbu * d) + 32768) >> 16);
    }

    private static int Clamp(int v) => v < 0 ? 0 : v > 255 ? 255 : v;
}
