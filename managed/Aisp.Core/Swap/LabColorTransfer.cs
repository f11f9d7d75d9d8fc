namespace Aisp.Core.Swap;

/// <summary>
/// Reinhard colour transfer in CIE L*a*b*: shifts and scales the swapped pixels so their mean
/// and deviation in each channel match the target's inside the same mask, so a source face shot
/// in other light takes the stream's light, and a grayscale target stays grayscale.
/// </summary>
public static class LabColorTransfer
{
    private static readonly float[] SrgbToLinear = BuildLinearTable();

    // Cube root (the L*a*b* f) and the sRGB gamma are tabulated: they were two thirds of the morph
    // engine's time. Linear interpolation between 4096 steps keeps the error far below a grey level.
    private const int Steps = 4096;
    private const float FRange = 1.25f; // X/Xn and Z/Zn can pass 1 slightly for saturated colours
    private static readonly float[] FTable = Tabulate(t => t > 0.008856f ? MathF.Cbrt(t) : (7.787f * t) + (16f / 116f), FRange);
    private static readonly float[] GammaTable = Tabulate(v => (v <= 0.0031308f ? 12.92f * v : (1.055f * MathF.Pow(v, 1 / 2.4f)) - 0.055f) * 255f, 1f);

    /// <summary>Recolours <paramref name="swapped"/> (RGB floats) where mask > 0.5 to match <paramref name="target"/>.</summary>
    public static void Apply(Span<float> swapped, ReadOnlySpan<float> target, ReadOnlySpan<float> mask)
    {
        Span<double> sum = stackalloc double[12]; // swapped mean/sq (6), target mean/sq (6)
        int count = 0;
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i] <= 0.5f)
            {
                continue;
            }

            count++;
            (float l, float a, float b) = ToLab(swapped[3 * i], swapped[(3 * i) + 1], swapped[(3 * i) + 2]);
            sum[0] += l; sum[1] += a; sum[2] += b; sum[3] += l * l; sum[4] += a * a; sum[5] += b * b;
            (l, a, b) = ToLab(target[3 * i], target[(3 * i) + 1], target[(3 * i) + 2]);
            sum[6] += l; sum[7] += a; sum[8] += b; sum[9] += l * l; sum[10] += a * a; sum[11] += b * b;
        }

        if (count < 16)
        {
            return;
        }

        Span<float> mean = stackalloc float[6];
        Span<float> scale = stackalloc float[3];
        for (int c = 0; c < 3; c++)
        {
            double ms = sum[c] / count, mt = sum[6 + c] / count;
            double ss = Math.Sqrt(Math.Max(1e-6, (sum[3 + c] / count) - (ms * ms)));
            double st = Math.Sqrt(Math.Max(1e-6, (sum[9 + c] / count) - (mt * mt)));
            mean[c] = (float)ms;
            mean[3 + c] = (float)mt;
            scale[c] = (float)Math.Clamp(st / ss, c == 0 ? 0.5 : 0, 2.0); // a flat source must not blow up noise; a grey target takes a grey face
        }

        Transform(swapped, mask, mean, scale);
    }

    /// <summary>
    /// Recolours <paramref name="swapped"/> where mask > 0 from statistics measured beforehand (the
    /// source face once, the target by analysis, off the frame thread): half the work of
    /// <see cref="Apply(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>, which measures both per frame.
    /// </summary>
    public static void Apply(Span<float> swapped, ReadOnlySpan<float> mask, in LabStats source, in LabStats target)
    {
        Span<float> mean = [source.MeanL, source.MeanA, source.MeanB, target.MeanL, target.MeanA, target.MeanB];
        Span<float> scale = [Ratio(target.DevL, source.DevL, 0.5f), Ratio(target.DevA, source.DevA, 0), Ratio(target.DevB, source.DevB, 0)];
        Transform(swapped, mask, mean, scale);

        // Lightness keeps at least half its contrast (a flat-lit target must not flatten the face); chroma
        // follows the target all the way down, so a grayscale or washed-out target keeps its saturation.
        static float Ratio(float t, float s, float least) => Math.Clamp(t / Math.Max(s, 1e-3f), least, 2f);
    }

    private static void Transform(Span<float> swapped, ReadOnlySpan<float> mask, ReadOnlySpan<float> mean, ReadOnlySpan<float> scale)
    {
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i] <= 0)
            {
                continue;
            }

            (float l, float a, float b) = ToLab(swapped[3 * i], swapped[(3 * i) + 1], swapped[(3 * i) + 2]);
            l = ((l - mean[0]) * scale[0]) + mean[3];
            a = ((a - mean[1]) * scale[1]) + mean[4];
            b = ((b - mean[2]) * scale[2]) + mean[5];
            (swapped[3 * i], swapped[(3 * i) + 1], swapped[(3 * i) + 2]) = ToRgb(l, a, b);
        }
    }

    public static (float L, float A, float B) ToLab(float r, float g, float b)
    {
        float lr = SrgbToLinear[Math.Clamp((int)(r + 0.5f), 0, 255)];
        float lg = SrgbToLinear[Math.Clamp((int)(g + 0.5f), 0, 255)];
        float lb = SrgbToLinear[Math.Clamp((int)(b + 0.5f), 0, 255)];
        float x = ((0.4124f * lr) + (0.3576f * lg) + (0.1805f * lb)) / 0.95047f;
        float y = (0.2126f * lr) + (0.7152f * lg) + (0.0722f * lb);
        float z = ((0.0193f * lr) + (0.1192f * lg) + (0.9505f * lb)) / 1.08883f;
        float fx = F(x), fy = F(y), fz = F(z);
        return ((116 * fy) - 16, 500 * (fx - fy), 200 * (fy - fz));
    }

    public static (float R, float G, float B) ToRgb(float l, float a, float b)
    {
        float fy = (l + 16) / 116, fx = fy + (a / 500), fz = fy - (b / 200);
        float x = FInv(fx) * 0.95047f, y = FInv(fy), z = FInv(fz) * 1.08883f;
        float lr = (3.2406f * x) - (1.5372f * y) - (0.4986f * z);
        float lg = (-0.9689f * x) + (1.8758f * y) + (0.0415f * z);
        float lb = (0.0557f * x) - (0.2040f * y) + (1.0570f * z);
        return (Gamma(lr), Gamma(lg), Gamma(lb));
    }

    private static float F(float t) => Lookup(FTable, t, FRange);

    private static float FInv(float t) => t > 0.206893f ? t * t * t : (t - (16f / 116f)) / 7.787f;

    private static float Gamma(float v) => Lookup(GammaTable, v, 1f);

    private static float Lookup(float[] table, float x, float range)
    {
        float f = Math.Clamp(x, 0, range) * (Steps / range);
        int i = Math.Min((int)f, Steps - 1);
        float a = f - i;
        return table[i] + ((table[i + 1] - table[i]) * a);
    }

    private static float[] Tabulate(Func<float, float> fn, float range)
    {
        var t = new float[Steps + 1];
        for (int i = 0; i <= Steps; i++)
        {
            t[i] = fn(i * range / Steps);
        }

        return t;
    }

    private static float[] BuildLinearTable()
    {
        var t = new float[256];
        for (int i = 0; i < 256; i++)
        {
            float c = i / 255f;
            t[i] = c <= 0.04045f ? c / 12.92f : MathF.Pow((c + 0.055f) / 1.055f, 2.4f);
        }

        return t;
    }
}
