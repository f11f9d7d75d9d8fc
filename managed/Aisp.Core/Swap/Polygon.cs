using Aisp.Core.Detection;

namespace Aisp.Core.Swap;

/// <summary>Point-in-polygon tests on landmark outlines (the face for colour statistics, the lips for the mouth mask).</summary>
public static class Polygon
{
    /// <summary>Even-odd point-in-polygon test; the polygon closes from its last point to its first.</summary>
    public static bool Contains(ReadOnlySpan<PointF> polygon, float x, float y)
    {
        bool inside = false;
        for (int i = 0, j = polygon.Length - 1; i < polygon.Length; j = i++)
        {
            PointF a = polygon[i], b = polygon[j];
            if ((a.Y > y) != (b.Y > y) && x < ((b.X - a.X) * (y - a.Y) / (b.Y - a.Y)) + a.X)
            {
                inside = !inside;
            }
        }

        return inside;
    }
}
