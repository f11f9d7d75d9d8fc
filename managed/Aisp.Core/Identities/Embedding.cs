namespace Aisp.Core.Identities;

/// <summary>Unit-length face embeddings and their similarity.</summary>
public static class Embedding
{
    /// <summary>
    /// Two faces at or above this cosine are the same person. Calibrated on real photos (the
    /// IdentityTests calibration: same-person variants against other people; docs/BENCHMARKS.md
    /// has the measured false-accept and false-reject rates).
    /// </summary>
    public const float DefaultThreshold = 0.45f;

    /// <summary>Copies <paramref name="raw"/> scaled to unit length; false when it has no length or is not finite.</summary>
    public static bool Normalise(ReadOnlySpan<float> raw, Span<float> unit)
    {
        double sum = 0;
        foreach (float v in raw)
        {
            sum += v * (double)v;
        }

        if (!(sum > 1e-12) || !double.IsFinite(sum))
        {
            return false;
        }

        float inv = (float)(1 / Math.Sqrt(sum));
        for (int i = 0; i < raw.Length; i++)
        {
            unit[i] = raw[i] * inv;
        }

        return true;
    }

    /// <summary>Cosine similarity of two unit vectors: their dot product, from -1 to 1.</summary>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float dot = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
        }

        return dot;
    }
}
