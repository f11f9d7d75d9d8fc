using Aisp.Core.Detection;

namespace Aisp.Core.Swap;

/// <summary>
/// Where a face's mesh-swap crop sits: a square turned to the face's roll around its 68 landmarks,
/// raised to take in the forehead the mesh covers, at most one crop pixel per frame pixel and at
/// most <see cref="MaxSide"/> across. A function of the 68 points only, so the analysis thread
/// (drawing the crop) and the frame thread (placing it on the face predicted forward) agree; a
/// face that only moved gets the same crop, moved.
/// </summary>
public readonly record struct MeshCrop(Affine2D ToCrop, int Side)
{
    public const int MaxSide = 384;

    /// <summary>The crop of <paramref name="face"/>; Side 0 when the face is too small to draw.</summary>
    public static MeshCrop Of(in Face face) => Of(face, 0);

    /// <summary>
    /// The crop of <paramref name="face"/> at <paramref name="side"/> pixels across (0: its own size),
    /// to place a crop drawn for the face in an analysis copy of another scale.
    /// </summary>
    public static MeshCrop Of(in Face face, int side)
    {
        ReadOnlySpan<PointF> p = face.Landmarks;
        PointF r = FaceLandmarks.Mean(face.Landmarks, 36, 42), l = FaceLandmarks.Mean(face.Landmarks, 42, 48);
        float roll = MathF.Atan2(l.Y - r.Y, l.X - r.X), cos = MathF.Cos(roll), sin = MathF.Sin(roll);
        float minX = float.MaxValue, maxX = float.MinValue, minY = float.MaxValue, maxY = float.MinValue;
        foreach (PointF q in p)
        {
            // In the face's upright frame: turned by -roll.
            float x = (cos * q.X) + (sin * q.Y), y = (-sin * q.X) + (cos * q.Y);
            (minX, maxX, minY, maxY) = (MathF.Min(minX, x), MathF.Max(maxX, x), MathF.Min(minY, y), MathF.Max(maxY, y));
        }

        // The mesh reaches about half the brows-to-chin height above the brows, a little past the jaw elsewhere.
        float w = maxX - minX, h = maxY - minY;
        (minX, maxX, minY, maxY) = (minX - (0.12f * w), maxX + (0.12f * w), minY - (0.55f * h), maxY + (0.08f * h));
        float extent = MathF.Max(maxX - minX, maxY - minY);
        if (!(extent >= 8))
        {
            return default;
        }

        side = side > 0 ? side : Math.Min(MaxSide, (int)MathF.Ceiling(extent));
        float s = side / extent, ux = (minX + maxX) / 2, uy = (minY + maxY) / 2;

        // frame -> upright (turn by -roll), centred on the box, scaled to the crop.
        float a = s * cos, b = s * sin, d = -s * sin, e = s * cos;
        return new MeshCrop(new Affine2D(a, b, (side / 2f) - (s * ux), d, e, (side / 2f) - (s * uy)), side);
    }
}
