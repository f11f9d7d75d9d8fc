using Aisp.Core.Detection;
using Aisp.Core.Frames;

namespace Aisp.Core.Swap;

/// <summary>
/// Mean and deviation of a face's colour in CIE L*a*b*, inside the outline of its 68 landmarks
/// (jaw and brows). The mesh swap, on the GPU and on the CPU alike, matches colour with these two
/// measurements (the source's once per picture, the target's by analysis, off the frame thread);
/// see <see cref="LabColorTransfer"/>.
/// </summary>
public readonly record struct LabStats(float MeanL, float MeanA, float MeanB, float DevL, float DevA, float DevB)
{
    // Jaw left to right, then the brows right to left: a closed outline around the face.
    private static readonly int[] Outline = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17];

    /// <summary>Too few pixels were measured (a face a few pixels wide).</summary>
    public bool IsEmpty => DevL <= 0;

    /// <summary>Measures every second pixel of every second row inside the outline (the statistics need no more).</summary>
    public static LabStats Measure(in Frame frame, in FaceLandmarks landmarks)
    {
        BoxF bounds = FaceLandmarks.Bounds(landmarks);
        int x0 = Math.Max(0, (int)bounds.Left), y0 = Math.Max(0, (int)bounds.Top);
        int x1 = Math.Min(frame.Width - 1, (int)bounds.Right), y1 = Math.Min(frame.Height - 1, (int)bounds.Bottom);
        Span<PointF> outline = stackalloc PointF[Outline.Length];
        for (int i = 0; i < Outline.Length; i++)
        {
            outline[i] = landmarks[Outline[i]];
        }

        var sampler = new RgbSampler(frame);
        Span<double> sum = stackalloc double[6];
        int count = 0;
        for (int y = y0; y <= y1; y += 2)
        {
            for (int x = x0; x <= x1; x += 2)
            {
                if (!Polygon.Contains(outline, x + 0.5f, y + 0.5f))
                {
                    continue;
                }

                sampler.Sample(x, y, out int cr, out int cg, out int cb);
                (float pl, float pa, float pb) = LabColorTransfer.ToLab(cr, cg, cb);
                sum[0] += pl; sum[1] += pa; sum[2] += pb;
                sum[3] += pl * pl; sum[4] += pa * pa; sum[5] += pb * pb;
                count++;
            }
        }

        if (count < 16)
        {
            return default;
        }

        double ml = sum[0] / count, ma = sum[1] / count, mb = sum[2] / count;
        return new LabStats((float)ml, (float)ma, (float)mb, Dev(sum[3], ml), Dev(sum[4], ma), Dev(sum[5], mb));

        float Dev(double squares, double mean) => (float)Math.Sqrt(Math.Max(1e-6, (squares / count) - (mean * mean)));
    }
}
