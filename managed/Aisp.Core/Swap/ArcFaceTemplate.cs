using Aisp.Core.Detection;

namespace Aisp.Core.Swap;

/// <summary>
/// The standard five-point ArcFace template (left eye, right eye, nose tip, left and right mouth
/// corner) for a 112x112 crop, as insightface's arcface_dst. The inswapper's 128 crop uses the
/// same points scaled by 128/112 (insightface norm_crop for image_size 128, FaceFusion's arcface_128).
/// </summary>
public static class ArcFaceTemplate
{
    private static readonly PointF[] Points112 =
    [
        new(38.2946f, 51.6963f), new(73.5318f, 51.5014f), new(56.0252f, 71.7366f), new(41.5493f, 92.3655f), new(70.7299f, 92.2041f),
    ];

    public static void For(int size, Span<PointF> points)
    {
        float s = size / 112f;
        for (int i = 0; i < Points112.Length; i++)
        {
            points[i] = new PointF(Points112[i].X * s, Points112[i].Y * s);
        }
    }

    /// <summary>Similarity transform taking a face's five points onto the template of the given crop size.</summary>
    public static Affine2D Align(in Face face, int size)
    {
        Span<PointF> from = stackalloc PointF[5];
        Span<PointF> to = stackalloc PointF[5];
        face.FivePoints(from);
        For(size, to);
        return SimilarityTransform.Estimate(from, to);
    }
}
