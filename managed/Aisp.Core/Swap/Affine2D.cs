using Aisp.Core.Detection;

namespace Aisp.Core.Swap;

/// <summary>A 2x3 affine map x' = A x + B y + C, y' = D x + E y + F.</summary>
public readonly record struct Affine2D(float A, float B, float C, float D, float E, float F)
{
    public PointF Apply(PointF p) => new((A * p.X) + (B * p.Y) + C, (D * p.X) + (E * p.Y) + F);

    public (float X, float Y) Apply(float x, float y) => ((A * x) + (B * y) + C, (D * x) + (E * y) + F);

    public Affine2D Inverse()
    {
        float det = (A * E) - (B * D);
        if (MathF.Abs(det) < 1e-12f)
        {
            throw new AispException(ErrorKind.Inference, "alignment is degenerate (points collapsed)");
        }

        float ia = E / det, ib = -B / det, id = -D / det, ie = A / det;
        return new Affine2D(ia, ib, -((ia * C) + (ib * F)), id, ie, -((id * C) + (ie * F)));
    }

    /// <summary>The affine map taking triangle (p0, p1, p2) onto (q0, q1, q2).</summary>
    public static Affine2D FromTriangles(PointF p0, PointF p1, PointF p2, PointF q0, PointF q1, PointF q2)
    {
        float det = ((p1.X - p0.X) * (p2.Y - p0.Y)) - ((p2.X - p0.X) * (p1.Y - p0.Y));
        if (MathF.Abs(det) < 1e-9f)
        {
            return new Affine2D(1, 0, q0.X - p0.X, 0, 1, q0.Y - p0.Y);
        }

        float a = (((q1.X - q0.X) * (p2.Y - p0.Y)) - ((q2.X - q0.X) * (p1.Y - p0.Y))) / det;
        float b = (((q2.X - q0.X) * (p1.X - p0.X)) - ((q1.X - q0.X) * (p2.X - p0.X))) / det;
        float d = (((q1.Y - q0.Y) * (p2.Y - p0.Y)) - ((q2.Y - q0.Y) * (p1.Y - p0.Y))) / det;
        float e = (((q2.Y - q0.Y) * (p1.X - p0.X)) - ((q1.Y - q0.Y) * (p2.X - p0.X))) / det;
        return new Affine2D(a, b, q0.X - (a * p0.X) - (b * p0.Y), d, e, q0.Y - (d * p0.X) - (e * p0.Y));
    }
}
