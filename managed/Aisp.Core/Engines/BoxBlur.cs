using System.Buffers;

namespace Aisp.Core.Engines;

/// <summary>
/// Blurs a plane rectangle with three passes of a separable box filter (close to a Gaussian),
/// clamping at the rectangle's edges so nothing outside it is read or written. The line buffer
/// comes from the shared pool, so a steady stream of frames allocates nothing.
/// </summary>
public static unsafe class BoxBlur
{
    /// <summary>Three box passes are close to a Gaussian.</summary>
    public const int DefaultPasses = 3;

    public static void Apply(in PlaneRect rect, int radius, int passes = DefaultPasses)
    {
        if (radius < 1 || rect.Width < 2 || rect.Height < 2)
        {
            return;
        }

        int longest = Math.Max(rect.Width, rect.Height);
        int[] line = ArrayPool<int>.Shared.Rent(longest);
        try
        {
            for (int pass = 0; pass < passes; pass++)
            {
                for (int c = 0; c < rect.Channels; c++)
                {
                    for (int y = 0; y < rect.Height; y++)
                    {
                        BlurLine(rect.Pixel(0, y) + c, rect.BytesPerPixel, rect.Width, radius, line);
                    }

                    for (int x = 0; x < rect.Width; x++)
                    {
                        BlurLine(rect.Pixel(x, 0) + c, rect.Stride, rect.Height, radius, line);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(line);
        }
    }

    /// <summary>Running-sum box filter along one line of <paramref name="count"/> samples <paramref name="step"/> bytes apart.</summary>
    private static void BlurLine(byte* start, int step, int count, int radius, int[] line)
    {
        for (int i = 0; i < count; i++)
        {
            line[i] = start[(long)i * step];
        }

        int window = (2 * radius) + 1;
        int last = count - 1;
        int sum = 0;
        for (int k = -radius; k <= radius; k++)
        {
            sum += line[Math.Clamp(k, 0, last)];
        }

        for (int i = 0; i < count; i++)
        {
            start[(long)i * step] = (byte)((sum + (window / 2)) / window);
            sum += line[Math.Min(i + radius + 1, last)] - line[Math.Max(i - radius, 0)];
        }
    }
}
