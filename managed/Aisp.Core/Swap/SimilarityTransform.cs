using Aisp.Core.Detection;

namespace Aisp.Core.Swap;

/// <summary>
/// Least-squares similarity (rotation, uniform scale, translation; no reflection) mapping points
/// onto a template: Umeyama's method in 2D, as insightface's norm_crop and FaceFusion use.
/// </summary>
public static class SimilarityTransform
{
    public static Affine2D Estimate(ReadOnlySpan<PointF> from, ReadOnlySpan<PointF> to)
    {
        int n = from.Length;
        double mx = 0, my = 0, tx = 0, ty = 0;
        for (int i = 0; i < n; i++)
        {
            mx += from[i].X; my += from[i].Y; tx += to[i].X; ty += to[i].Y;
        }

        mx /= n; my /= n; tx /= n; ty /= n;
        double sxx = 0, sxy = 0, syx = 0, syy = 0, variance = 0;
        for (int i = 0; i < n; i++)
        {
            double ax = from[i].X - mx, ay = from[i].Y - my, bx = to[i].X - tx, by = to[i].Y - ty;
            sxx += bx * ax; sxy += bx * ay; syx += by * ax; syy += by * ay;
            variance += (ax * ax) + (ay * ay);
        }

        // For 2D similarity the optimal rotation comes straight from the covariance terms.
        double a = sxx + syy, b = syx - sxy;
        double norm = Math.Sqrt((a * a) + (b * b));
        if (norm < 1e-12 || variance < 1e-12)
        {
            throw new AispException(ErrorKind.Inference, "cannot align a face whose points collapse to one spot");
        }

        double cos = a / norm, sin = b / norm, scale = norm / variance;
        double r00 = scale * cos, r01 = -scale * sin, r10 = scale * sin, r11 = scale * cos;
        return new Affine2D((float)r00, (float)r01, (float)(tx - (r00 * mx) - (r01 * my)),
            (float)r10, (float)r11, (float)(ty - (r10 * mx) - (r11 * my)));
    }
}
