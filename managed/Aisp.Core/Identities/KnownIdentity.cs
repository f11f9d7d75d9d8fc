namespace Aisp.Core.Identities;

/// <summary>An enrolled person as matching needs them: the name and every embedding enrolled (unit vectors).</summary>
public sealed record KnownIdentity(string Name, IReadOnlyList<float[]> Embeddings);

/// <summary>An enrolled person as listings show them.</summary>
public sealed record IdentityRecord(string Name, int Embeddings, bool HasThumbnail, DateTimeOffset Created, DateTimeOffset Updated);

/// <summary>One face to enrol: its embedding and which photo it came from.</summary>
public sealed record EnrolledFace(float[] Embedding, string Source);

/// <summary>Who a face is: the best-matching identity at or above the threshold, or none.</summary>
public readonly record struct Match(string? Name, float Score)
{
    public bool Known => Name is not null;

    /// <summary>The best match of <paramref name="embedding"/> among <paramref name="known"/>: each identity scores its best embedding.</summary>
    public static Match Best(ReadOnlySpan<float> embedding, IReadOnlyList<KnownIdentity> known, float threshold)
    {
        string? best = null;
        float bestScore = -1;
        for (int i = 0; i < known.Count; i++) // indexers: no enumerator boxed per call
        {
            KnownIdentity identity = known[i];
            for (int j = 0; j < identity.Embeddings.Count; j++)
            {
                float score = Embedding.Cosine(embedding, identity.Embeddings[j]);
                if (score > bestScore)
                {
                    bestScore = score;
                    best = identity.Name;
                }
            }
        }

        return bestScore >= threshold ? new Match(best, bestScore) : new Match(null, Math.Max(bestScore, 0));
    }
}
