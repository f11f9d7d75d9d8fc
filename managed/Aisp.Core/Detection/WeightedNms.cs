namespace Aisp.Core.Detection;

/// <summary>
/// Non-maximum suppression as MediaPipe's "WEIGHTED" overlap option does it: every cluster of
/// candidates overlapping the best one is merged into one face whose box and keypoints are the
/// score-weighted mean of the cluster, keeping the best score. Steadier than hard NMS on video.
/// Works in place on reusable lists; allocates nothing once they have grown.
/// </summary>
public static class WeightedNms
{
    /// <summary>
    /// Merges <paramref name="candidates"/> into <paramref name="output"/>. Candidates with an empty,
    /// inverted or non-finite box or score are dropped first, and every round retires its best
    /// candidate whatever its overlap with itself, so the loop always ends (a zero-area box overlaps
    /// nothing, not even itself: kept as "survivor", it used to loop for ever on noise frames).
    /// </summary>
    public static void Run(List<Face> candidates, float iouThreshold, List<Face> output)
    {
        output.Clear();
        candidates.RemoveAll(static c => !IsUsable(c));
        candidates.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        int remaining = candidates.Count;
        Span<Face> items = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(candidates);
        Span<float> kx = stackalloc float[FaceKeypoints.Count];
        Span<float> ky = stackalloc float[FaceKeypoints.Count];
        while (remaining > 0)
        {
            Face best = items[0];
            float total = 0, l = 0, t = 0, r = 0, b = 0;
            kx.Clear();
            ky.Clear();
            int kept = 0;
            for (int i = 0; i < remaining; i++)
            {
                Face c = items[i];
                if (i == 0 || best.Box.IoU(c.Box) > iouThreshold)
                {
                    float w = c.Score;
                    total += w;
                    l += c.Box.Left * w;
                    t += c.Box.Top * w;
                    r += c.Box.Right * w;
                    b += c.Box.Bottom * w;
                    for (int k = 0; k < FaceKeypoints.Count; k++)
                    {
                        kx[k] += c.Keypoints[k].X * w;
                        ky[k] += c.Keypoints[k].Y * w;
                    }
                }
                else
                {
                    items[kept++] = c; // survivors stay sorted
                }
            }

            var merged = best;
            if (total > 0)
            {
                merged.Box = new BoxF(l / total, t / total, r / total, b / total);
                for (int k = 0; k < FaceKeypoints.Count; k++)
                {
                    merged.Keypoints[k] = new PointF(kx[k] / total, ky[k] / total);
                }
            }

            output.Add(merged);
            remaining = kept;
        }

        candidates.Clear();
    }

    /// <summary>A box with a positive, finite size and a finite, positive score (keypoints finite too).</summary>
    public static bool IsUsable(in Face face)
    {
        BoxF box = face.Box;
        if (!(float.IsFinite(box.Left) && float.IsFinite(box.Top) && float.IsFinite(box.Right) && float.IsFinite(box.Bottom)
            && box.Width > 0 && box.Height > 0 && float.IsFinite(face.Score) && face.Score > 0))
        {
            return false;
        }

        for (int k = 0; face.HasKeypoints && k < FaceKeypoints.Count; k++)
        {
            if (!float.IsFinite(face.Keypoints[k].X) || !float.IsFinite(face.Keypoints[k].Y))
            {
                return false;
            }
        }

        return true;
    }
}
