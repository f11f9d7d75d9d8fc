namespace Aisp.Core.Swap;

/// <summary>Separable box blur of a float mask in place (twice, close to a tent), for feathered edges.</summary>
public static class FloatBoxBlur
{
    public static void Apply(Span<float> mask, int width, int height, int radius, Span<float> scratch)
    {
        if (radius < 1)
        {
            return;
        }

        for (int pass = 0; pass < 2; pass++)
        {
            for (int y = 0; y < height; y++)
            {
                Line(mask, y * width, 1, width, radius, scratch);
            }

            for (int x = 0; x < width; x++)
            {
                Line(mask, x, width, height, radius, scratch);
            }
        }
    }

    private static void Line(Span<float> data, int start, int step, int count, int radius, Span<float> line)
    {
        for (int i = 0; i < count; i++)
        {
            line[i] = data[start + (i * step)];
        }

        float inv = 1f / ((2 * radius) + 1), sum = 0;
        int last = count - 1;
        for (int k = -radius; k <= radius; k++)
        {
            sum += line[Math.Clamp(k, 0, last)];
        }

        for (int i = 0; i < count; i++)
        {
            data[start + (i * step)] = sum * inv;
            sum += line[Math.Min(i + radius + 1, last)] - line[Math.Max(i - radius, 0)];
        }
    }
}
