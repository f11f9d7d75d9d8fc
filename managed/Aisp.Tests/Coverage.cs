using Aisp.Core.Detection;

namespace Aisp.Tests;

/// <summary>Whether a face is covered: points on a disc around its centre (radius 0.35 of its size) lie inside the covering boxes grown by the privacy padding.</summary>
internal static class Coverage
{
    public static double Share(PointF centre, float size, ReadOnlySpan<BoxF> boxes, float padding, int frameWidth = int.MaxValue, int frameHeight = int.MaxValue, BoxF? hidden = null)
    {
        int inside = 0, total = 0;
        float r = 0.35f * size;
        for (int i = -4; i <= 4; i++)
        {
            for (int j = -4; j <= 4; j++)
            {
                float dx = i / 4f * r, dy = j / 4f * r;
                float x = centre.X + dx, y = centre.Y + dy;
                if ((dx * dx) + (dy * dy) > r * r || x < 0 || y < 0 || x >= frameWidth || y >= frameHeight || (hidden is { } h && h.Contains(new PointF(x, y))))
                {
                    continue; // off the disc, outside the frame or behind something: nothing there to show
                }

                total++;
                foreach (BoxF b in boxes)
                {
                    float px = b.Width * padding, py = b.Height * padding;
                    if (centre.X + dx >= b.Left - px && centre.X + dx <= b.Right + px && centre.Y + dy >= b.Top - py && centre.Y + dy <= b.Bottom + py)
                    {
                        inside++;
                        break;
                    }
                }
            }
        }

        return total == 0 ? 1 : (double)inside / total;
    }

    public static bool Covered(PointF centre, float size, ReadOnlySpan<BoxF> boxes, float padding, int frameWidth = int.MaxValue, int frameHeight = int.MaxValue, BoxF? hidden = null) =>
        Share(centre, size, boxes, padding, frameWidth, frameHeight, hidden) >= 0.95;
}
