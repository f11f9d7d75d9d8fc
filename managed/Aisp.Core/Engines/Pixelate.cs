namespace Aisp.Core.Engines;

/// <summary>Replaces each block of a plane rectangle by its mean, channel by channel.</summary>
public static unsafe class Pixelate
{
    public static void Apply(in PlaneRect rect, int block)
    {
        block = Math.Max(1, block);
        Span<int> sums = stackalloc int[4];
        for (int by = 0; by < rect.Height; by += block)
        {
            int bh = Math.Min(block, rect.Height - by);
            for (int bx = 0; bx < rect.Width; bx += block)
            {
                int bw = Math.Min(block, rect.Width - bx);
                sums.Clear();
                for (int y = by; y < by + bh; y++)
                {
                    byte* p = rect.Pixel(bx, y);
                    for (int x = 0; x < bw; x++, p += rect.BytesPerPixel)
                    {
                        for (int c = 0; c < rect.Channels; c++)
                        {
                            sums[c] += p[c];
                        }
                    }
                }

                int n = bw * bh;
                for (int c = 0; c < rect.Channels; c++)
                {
                    sums[c] = (sums[c] + (n / 2)) / n;
                }

                for (int y = by; y < by + bh; y++)
                {
                    byte* p = rect.Pixel(bx, y);
                    for (int x = 0; x < bw; x++, p += rect.BytesPerPixel)
                    {
                        for (int c = 0; c < rect.Channels; c++)
                        {
                            p[c] = (byte)sums[c];
                        }
                    }
                }
            }
        }
    }
}
