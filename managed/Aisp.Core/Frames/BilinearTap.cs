using System.Numerics;

namespace Aisp.Core.Frames;

/// <summary>
/// The four neighbours and weights of a bilinear sample at a fractional position, clamped to a
/// width x height grid. One definition for every sampler (frames, pictures, swapped crops).
/// </summary>
public readonly struct BilinearTap
{
    public BilinearTap(float fx, float fy, int width, int height)
    {
        fx = Math.Clamp(fx, 0, width - 1);
        fy = Math.Clamp(fy, 0, height - 1);
        X0 = (int)fx;
        Y0 = (int)fy;
        X1 = Math.Min(X0 + 1, width - 1);
        Y1 = Math.Min(Y0 + 1, height - 1);
        float ax = fx - X0, ay = fy - Y0;
        W00 = (1 - ax) * (1 - ay);
        W10 = ax * (1 - ay);
        W01 = (1 - ax) * ay;
        W11 = ax * ay;
    }

    public int X0 { get; }
    public int Y0 { get; }
    public int X1 { get; }
    public int Y1 { get; }
    public float W00 { get; }
    public float W10 { get; }
    public float W01 { get; }
    public float W11 { get; }

    /// <summary>Blends the four neighbours' values of one channel.</summary>
    public float Blend(float v00, float v10, float v01, float v11) => (v00 * W00) + (v10 * W10) + (v01 * W01) + (v11 * W11);

    /// <summary>Bilinear R, G, B from a tightly packed 3-channel picture of bytes or floats.</summary>
    public static void SampleRgb<T>(ReadOnlySpan<T> pixels, int width, int height, float fx, float fy, out float r, out float g, out float b)
        where T : unmanaged, INumberBase<T>
    {
        var tap = new BilinearTap(fx, fy, width, height);
        int i00 = ((tap.Y0 * width) + tap.X0) * 3, i10 = ((tap.Y0 * width) + tap.X1) * 3;
        int i01 = ((tap.Y1 * width) + tap.X0) * 3, i11 = ((tap.Y1 * width) + tap.X1) * 3;
        r = tap.Blend(F(pixels[i00]), F(pixels[i10]), F(pixels[i01]), F(pixels[i11]));
        g = tap.Blend(F(pixels[i00 + 1]), F(pixels[i10 + 1]), F(pixels[i01 + 1]), F(pixels[i11 + 1]));
        b = tap.Blend(F(pixels[i00 + 2]), F(pixels[i10 + 2]), F(pixels[i01 + 2]), F(pixels[i11 + 2]));

        static float F(T v) => float.CreateTruncating(v);
    }
}
