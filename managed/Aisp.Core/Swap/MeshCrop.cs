using Aisp.Core.Detection;

namespace Aisp.Core.Swap;

/// <summary>
/// Where a face's mesh-swap crop sits in the frame: an axis-aligned square around the face (its 68
/// landmarks, with the forehead the mesh covers added in the face's own up direction), one crop
/// pixel per frame pixel up to <see cref="MaxSide"/> across, smaller beyond. A function of the 68
/// points only, without rounding, so the analysis thread (drawing the crop) and the frame thread
/// (placing it on the face predicted forward) agree, and a face that only moved gets the same crop
/// moved: at full scale a pure translation, which the frame thread blends with fixed weights.
/// </summary>
public readonly record struct MeshCrop(Affine2D ToCrop, int Side)
{
    public const int MaxSide = 512;

    /// <summary>The crop of <paramref name="face"/>; Side 0 when the face is too small to draw.</summary>
    public static MeshCrop Of(in Face face) => Of(face, 0);

    /// <summary>
    /// The crop of <paramref name="face"/> at <paramref name="side"/> pixels across (0: its own
    /// size), to place a crop drawn for the face where it was drawn at another scale.
    /// </summary>
    public static MeshCrop Of(in Face face, int side) => Of(face, side, CropMargins.Mesh);

    /// <summary>The crop with <paramref name="margins"/> around the 68 points (AR reaches further: hats, ears).</summary>
    public static MeshCrop Of(in Face face, int side, CropMargins margins)
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
        (minX, maxX, minY, maxY) = (minX - (margins.Side * w), maxX + (margins.Side * w), minY - (margins.Top * h), maxY + (margins.Bottom * h));

        // That box's corners back in the frame (turned by roll), and their axis-aligned bounds.
        float left = float.MaxValue, top = float.MaxValue, right = float.MinValue, bottom = float.MinValue;
        for (int corner = 0; corner < 4; corner++)
        {
            float ux = (corner & 1) == 0 ? minX : maxX, uy = (corner >> 1) == 0 ? minY : maxY;
            float x = (cos * ux) - (sin * uy), y = (sin * ux) + (cos * uy);
            (left, right, top, bottom) = (MathF.Min(left, x), MathF.Max(right, x), MathF.Min(top, y), MathF.Max(bottom, y));
        }

        float extent = MathF.Max(right - left, bottom - top);
        if (!(extent >= 8))
        {
            return default;
        }

        side = side > 0 ? side : Math.Min(MaxSide, (int)MathF.Ceiling(extent) + 2);
        float s = MathF.Min(1, side / extent);
        return new MeshCrop(new Affine2D(s, 0, -s * left, 0, s, -s * top), side);
    }

    /// <summary>The margins as fractions of the 68 points' upright width (sides) and height (top, bottom).</summary>
    public readonly record struct CropMargins(float Side, float Top, float Bottom)
    {
        /// <summary>The mesh swap's: the mesh reaches about half the brows-to-chin height above the brows, a little past the jaw elsewhere.</summary>
        public static readonly CropMargins Mesh = new(0.12f, 0.6f, 0.08f);

        /// <summary>AR overlays: room for ears and hats above, glasses' arms beside, a mask's straps below.</summary>
        public static readonly CropMargins Ar = new(0.45f, 2.0f, 0.35f);
    }

    /// <summary>Whether the crop is the frame's pixels moved, not scaled (the frame thread's fast path).</summary>
    public bool IsTranslation => ToCrop.A == 1 && ToCrop.E == 1 && ToCrop.B == 0 && ToCrop.D == 0;
}
