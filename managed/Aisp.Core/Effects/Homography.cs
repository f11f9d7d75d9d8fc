using Aisp.Core.Detection;

namespace Aisp.Core.Effects;

/// <summary>A plane-to-plane projective map (3x3, row-major), for a picture drawn onto a quad in perspective.</summary>
public readonly struct Homography
{
    private readonly float _a, _b, _c, _d, _e, _f, _g, _h, _i;

    private Homography(float a, float b, float c, float d, float e, float f, float g, float h, float i) =>
        (_a, _b, _c, _d, _e, _f, _g, _h, _i) = (a, b, c, d, e, f, g, h, i);

    /// <summary>The map taking the rectangle (0,0)-(width,height) to the quad q0 (its top left), q1 (top right), q2 (bottom right), q3 (bottom left); Heckbert's square-to-quad.</summary>
    public static Homography RectToQuad(float width, float height, PointF q0, PointF q1, PointF q2, PointF q3)
    {
        float sx = q0.X - q1.X + q2.X - q3.X, sy = q0.Y - q1.Y + q2.Y - q3.Y;
        float dx1 = q1.X - q2.X, dx2 = q3.X - q2.X, dy1 = q1.Y - q2.Y, dy2 = q3.Y - q2.Y;
        float g = 0, h = 0;
        if (MathF.Abs(sx) > 1e-6f || MathF.Abs(sy) > 1e-6f)
        {
            float den = (dx1 * dy2) - (dx2 * dy1);
            g = ((sx * dy2) - (dx2 * sy)) / den;
            h = ((dx1 * sy) - (sx * dy1)) / den;
        }

        float a = q1.X - q0.X + (g * q1.X), b = q3.X - q0.X + (h * q3.X), c = q0.X;
        float d = q1.Y - q0.Y + (g * q1.Y), e = q3.Y - q0.Y + (h * q3.Y), f = q0.Y;
        return new Homography(a / width, b / height, c, d / width, e / height, f, g / width, h / height, 1);
    }

    /// <summary>The inverse map (the adjugate; the scale does not matter).</summary>
    public Homography Inverse() => new(
        (_e * _i) - (_f * _h), (_c * _h) - (_b * _i), (_b * _f) - (_c * _e),
        (_f * _g) - (_d * _i), (_a * _i) - (_c * _g), (_c * _d) - (_a * _f),
        (_d * _h) - (_e * _g), (_b * _g) - (_a * _h), (_a * _e) - (_b * _d));

    /// <summary>Maps a point; false when it lies on or behind the horizon (w &lt;= 0).</summary>
    public bool Apply(float x, float y, out float u, out float v)
    {
        float w = (_g * x) + (_h * y) + _i;
        if (MathF.Abs(w) < 1e-9f)
        {
            (u, v) = (0, 0);
            return false;
        }

        u = ((_a * x) + (_b * y) + _c) / w;
        v = ((_d * x) + (_e * y) + _f) / w;
        return true;
    }
}
