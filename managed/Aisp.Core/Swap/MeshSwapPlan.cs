using Aisp.Core.Detection;
using Aisp.Core.Landmarks;

namespace Aisp.Core.Swap;

/// <summary>
/// What the mesh swap draws for one source picture, worked out once: the 468-point mesh's
/// triangles (Delaunay on the source mesh made frontal and symmetric, each wound the same way, so
/// a triangle that faces away from the camera on a target shows as wound the other way), without
/// the mouth opening (the target's own mouth interior always shows) and, with keep_expression,
/// without the eye openings; and how squarely the source shows each triangle and its mirror image,
/// so that a side the source turns away is taken from the side it shows.
/// </summary>
public sealed class MeshSwapPlan
{
    /// <summary>The band along the outline, as a share of the face's height, across which the swap fades into the target.</summary>
    public const float OutlineBand = 0.15f;

    private MeshSwapPlan(int[] triangles, float[] ownFacing, float[] mirrorFacing, float[] inner)
    {
        Inner = inner;
        Triangles = triangles;
        OwnFacing = ownFacing;
        MirrorFacing = mirrorFacing;
    }

    /// <summary>Vertex triplets, wound counter-clockwise on screen (y down) when facing the camera.</summary>
    public int[] Triangles { get; }

    /// <summary>Per triangle: how squarely the source shows it (cosine of its normal to the view axis; negative: turned away).</summary>
    public float[] OwnFacing { get; }

    /// <summary>Per triangle: the same for its mirror image across the face's midline.</summary>
    public float[] MirrorFacing { get; }

    /// <summary>
    /// Per vertex: 0 on the outline rising to 1 at <see cref="OutlineBand"/> inside it, so the swap
    /// fades into the target's own hairline and jaw instead of ending at an edge (and a source's
    /// fringe over its forehead is not pasted as a band).
    /// </summary>
    public float[] Inner { get; }

    public static MeshSwapPlan For(in Face source, bool keepExpression)
    {
        ReadOnlySpan<Point3> mesh = source.Mesh;
        float roll = FaceMesh.Roll(mesh), cos = MathF.Cos(roll), sin = MathF.Sin(roll);

        // Upright, then each point averaged with its mirror partner's reflection: a frontal, symmetric layout.
        var upright = new PointF[FaceMesh.Count];
        for (int i = 0; i < upright.Length; i++)
        {
            upright[i] = new PointF((cos * mesh[i].X) + (sin * mesh[i].Y), (-sin * mesh[i].X) + (cos * mesh[i].Y));
        }

        var layout = new PointF[FaceMesh.Count];
        for (int i = 0; i < layout.Length; i++)
        {
            PointF self = upright[i], twin = upright[MeshTopology.Mirror(i)];
            layout[i] = new PointF((self.X - twin.X) / 2, (self.Y + twin.Y) / 2);
        }

        int[] all = Delaunay.Triangulate(layout);
        var kept = new List<int>(all.Length);
        var own = new List<float>(all.Length / 3);
        var mirrored = new List<float>(all.Length / 3);
        for (int t = 0; t < all.Length; t += 3)
        {
            int a = all[t], b = all[t + 1], c = all[t + 2];
            float area = Cross(layout[a], layout[b], layout[c]);
            if (MathF.Abs(area) < 1e-3f || Opening(a, b, c, keepExpression))
            {
                continue;
            }

            if (area < 0)
            {
                (b, c) = (c, b);
            }

            kept.AddRange([a, b, c]);
            own.Add(Facing(mesh, a, b, c));
            mirrored.Add(-Facing(mesh, MeshTopology.Mirror(a), MeshTopology.Mirror(b), MeshTopology.Mirror(c))); // a mirror image winds the other way
        }

        return new MeshSwapPlan([.. kept], [.. own], [.. mirrored], InnerWeights(layout));
    }

    /// <summary>
    /// How squarely the triangle faces the camera: its normal's cosine to the view axis, signed by
    /// its winding on screen (positive facing, negative turned away, near 0 seen edge on).
    /// </summary>
    public static float Facing(ReadOnlySpan<Point3> p, int a, int b, int c)
    {
        float ux = p[b].X - p[a].X, uy = p[b].Y - p[a].Y, uz = p[b].Z - p[a].Z;
        float vx = p[c].X - p[a].X, vy = p[c].Y - p[a].Y, vz = p[c].Z - p[a].Z;
        float nx = (uy * vz) - (uz * vy), ny = (uz * vx) - (ux * vz), nz = (ux * vy) - (uy * vx);
        float length = MathF.Sqrt((nx * nx) + (ny * ny) + (nz * nz));
        return length < 1e-6f ? 0 : nz / length;
    }

    private static float[] InnerWeights(ReadOnlySpan<PointF> layout)
    {
        float top = float.MaxValue, bottom = float.MinValue;
        foreach (PointF p in layout)
        {
            (top, bottom) = (MathF.Min(top, p.Y), MathF.Max(bottom, p.Y));
        }

        float band = OutlineBand * (bottom - top);
        var inner = new float[layout.Length];
        for (int v = 0; v < layout.Length; v++)
        {
            float nearest = float.MaxValue;
            foreach (int o in MeshTopology.Oval)
            {
                float dx = layout[v].X - layout[o].X, dy = layout[v].Y - layout[o].Y;
                nearest = MathF.Min(nearest, (dx * dx) + (dy * dy));
            }

            inner[v] = Math.Clamp(MathF.Sqrt(nearest) / Math.Max(band, 1e-3f), 0, 1);
        }

        return inner;
    }

    private static float Cross(PointF a, PointF b, PointF c) => ((b.X - a.X) * (c.Y - a.Y)) - ((b.Y - a.Y) * (c.X - a.X));

    /// <summary>A triangle spanning the mouth opening, an eye opening (when the target's eyes stay), or the outside of the face oval.</summary>
    private static bool Opening(int a, int b, int c, bool eyes) =>
        AllOn(MeshTopology.InnerLips, a, b, c) || AllOn(MeshTopology.Oval, a, b, c)
        || (eyes && (AllOn(MeshTopology.RightEye, a, b, c) || AllOn(MeshTopology.LeftEye, a, b, c)));

    private static bool AllOn(int[] contour, int a, int b, int c) =>
        Array.IndexOf(contour, a) >= 0 && Array.IndexOf(contour, b) >= 0 && Array.IndexOf(contour, c) >= 0;
}
