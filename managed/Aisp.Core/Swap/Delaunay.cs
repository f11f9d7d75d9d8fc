using Aisp.Core.Detection;

namespace Aisp.Core.Swap;

/// <summary>
/// Delaunay triangulation (Bowyer-Watson) of a small point set, returned as index triplets.
/// Run once per source face (68 points), never per frame.
/// </summary>
public static class Delaunay
{
    public static int[] Triangulate(ReadOnlySpan<PointF> points)
    {
        int n = points.Length;
        var px = new double[n + 3];
        var py = new double[n + 3];
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        for (int i = 0; i < n; i++)
        {
            (px[i], py[i]) = (points[i].X, points[i].Y);
            minX = Math.Min(minX, px[i]);
            minY = Math.Min(minY, py[i]);
            maxX = Math.Max(maxX, px[i]);
            maxY = Math.Max(maxY, py[i]);
        }

        // A super-triangle far around every point.
        double d = Math.Max(maxX - minX, maxY - minY) * 20 + 1, cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
        (px[n], py[n]) = (cx - d, cy - d);
        (px[n + 1], py[n + 1]) = (cx + d, cy - d);
        (px[n + 2], py[n + 2]) = (cx, cy + d);
        var triangles = new List<(int A, int B, int C)> { (n, n + 1, n + 2) };

        for (int p = 0; p < n; p++)
        {
            var edges = new List<(int, int)>();
            for (int t = triangles.Count - 1; t >= 0; t--)
            {
                (int a, int b, int c) = triangles[t];
                if (InCircumcircle(px, py, a, b, c, px[p], py[p]))
                {
                    edges.Add((a, b));
                    edges.Add((b, c));
                    edges.Add((c, a));
                    triangles.RemoveAt(t);
                }
            }

            // Edges shared by two removed triangles are inside the hole; the rest bound it.
            for (int i = 0; i < edges.Count; i++)
            {
                (int a, int b) = edges[i];
                bool shared = false;
                for (int j = 0; j < edges.Count && !shared; j++)
                {
                    shared = j != i && ((edges[j].Item1 == b && edges[j].Item2 == a) || (edges[j].Item1 == a && edges[j].Item2 == b));
                }

                if (!shared)
                {
                    triangles.Add((a, b, p));
                }
            }
        }

        var result = new List<int>(triangles.Count * 3);
        foreach ((int a, int b, int c) in triangles)
        {
            if (a < n && b < n && c < n)
            {
                result.Add(a);
                result.Add(b);
                result.Add(c);
            }
        }

        return [.. result];
    }

    private static bool InCircumcircle(double[] px, double[] py, int a, int b, int c, double x, double y)
    {
        double ax = px[a] - x, ay = py[a] - y, bx = px[b] - x, by = py[b] - y, cx = px[c] - x, cy = py[c] - y;
        double det = (((ax * ax) + (ay * ay)) * ((bx * cy) - (cx * by)))
                   - (((bx * bx) + (by * by)) * ((ax * cy) - (cx * ay)))
                   + (((cx * cx) + (cy * cy)) * ((ax * by) - (bx * ay)));
        double orient = ((px[b] - px[a]) * (py[c] - py[a])) - ((py[b] - py[a]) * (px[c] - px[a]));
        return orient > 0 ? det > 0 : det < 0;
    }
}
