namespace Aisp.Core.Swap;

/// <summary>
/// The inswapper's source latent: the ArcFace embedding normalised to unit length, multiplied by
/// the swapper's embedding map (latent = e / |e| · emap), and normalised again, as insightface's
/// INSwapper.get does.
/// </summary>
public static class EmbeddingProjection
{
    public static void Project(ReadOnlySpan<float> embedding, ReadOnlySpan<float> emap, Span<float> latent)
    {
        int n = embedding.Length;
        if (emap.Length != n * latent.Length)
        {
            throw new AispException(ErrorKind.Model, $"the swapper's embedding map holds {emap.Length} values; a {n}x{latent.Length} matrix is needed");
        }

        double norm = 0;
        foreach (float v in embedding)
        {
            norm += v * v;
        }

        float inv = norm > 0 ? (float)(1 / Math.Sqrt(norm)) : 0;
        latent.Clear();
        for (int i = 0; i < n; i++)
        {
            float e = embedding[i] * inv;
            ReadOnlySpan<float> row = emap.Slice(i * latent.Length, latent.Length);
            for (int j = 0; j < latent.Length; j++)
            {
                latent[j] += e * row[j];
            }
        }

        double ln = 0;
        foreach (float v in latent)
        {
            ln += v * v;
        }

        float linv = ln > 0 ? (float)(1 / Math.Sqrt(ln)) : 0;
        for (int j = 0; j < latent.Length; j++)
        {
            latent[j] *= linv;
        }
    }
}
