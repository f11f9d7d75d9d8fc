namespace Aisp.Core.Swap;

/// <summary>
/// Separable box blur of a float plane in place (twice, close to a tent), for feathered edges.
/// Beyond the plane's edge the edge value repeats, or with <c>zeroOutside</c> nothing is there:
/// what a normalised convolution (blur(value x weight) / blur(weight)) needs so that the border
/// is an average of the samples inside the frame only.
/// </summary>
public static class FloatBoxBlur
{
    public static void Apply(Span<float> mask, int width, int height, int radius, Span<float> scratch, bool zeroOutside = false)
    {
        if (radius < 1)
        {
            return;
        }

        for (int pass = 0; pass < 2; pass++)
        {
            for (int y = 0; y < height; y++)
            {
                Line(mask, y * width, 1, width, radius, scratch, zeroOutside);
            }

            for (int x = 0; x < width; x++)
            {
                Line(mask, x, width, height, radius, scratch, zeroOutside);
            }
        }
    }

    private static void Line(Span<float> data, int start, int step, int count, int radius, Span<float> line, bool zeroOutside)
    {
        for (int i = 0; i < count; i++)
        {
            line[i] = data[start + (i * step)];
        }

        float inv = 1f / ((2 * radius) + 1), sum = 0;
        int last = count - 1;
        for (int k = -radius; k <= radius; k++)
        {
            sum += zeroOutside && (k < 0 || k > last) ? 0 : line[Math.Clamp(k, 0, last)];
        }

        for (int i = 0; i < count; i++)
        {
            data[start + (i * step)] = sum * inv;
            int enter = i + radius + 1, leave = i - radius;
            sum += zeroOutside ? (enter <= last ? line[enter] : 0) - (leave >= 0 ? line[leave] : 0)
                : line[Math.Min(enter, last)] - line[Math.Max(leave, 0)];
        }
    }
}
