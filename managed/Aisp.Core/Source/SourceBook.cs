using Aisp.Core.Detection;

namespace Aisp.Core.Source;

/// <summary>
/// Which source face each target face is swapped to: the source picture mapped to the face's
/// identity (swap_identities), else the default source for faces without a mapping of their own
/// (unknown faces, and known ones nobody mapped) unless those are left alone (swap_unknown "leave").
/// Immutable: an update builds a new book and the frame thread reads whichever is current.
/// </summary>
public sealed class SourceBook
{
    public static readonly SourceBook Empty = new(null, new Dictionary<string, SourceFace>(StringComparer.Ordinal));

    private readonly Dictionary<string, SourceFace> _byIdentity;

    private SourceBook(SourceFace? fallback, Dictionary<string, SourceFace> byIdentity)
    {
        Default = fallback;
        _byIdentity = byIdentity;
    }

    /// <summary>The source picture of the "Source face" setting, for faces without a mapping; null when none is set.</summary>
    public SourceFace? Default { get; }

    public int MappedCount => _byIdentity.Count;

    /// <summary>
    /// The source for <paramref name="face"/>, or null with <paramref name="swap"/> false when the
    /// face is left alone. <paramref name="swap"/> true with a null source: the face wants the
    /// default source and none is set yet (the engine says so).
    /// </summary>
    public SourceFace? For(in Face face, bool unmappedGetDefault, out bool swap)
    {
        if (face.Identity is not null && _byIdentity.TryGetValue(face.Identity, out SourceFace? mapped))
        {
            swap = true;
            return mapped;
        }

        swap = unmappedGetDefault;
        return unmappedGetDefault ? Default : null;
    }

    public SourceFace? Mapped(string identity) => _byIdentity.GetValueOrDefault(identity);

    public SourceBook WithDefault(SourceFace? source) => new(source, _byIdentity);

    /// <summary>This book with <paramref name="identity"/> mapped to <paramref name="source"/> (null: unmapped).</summary>
    public SourceBook With(string identity, SourceFace? source)
    {
        var copy = new Dictionary<string, SourceFace>(_byIdentity, StringComparer.Ordinal);
        if (source is null)
        {
            copy.Remove(identity);
        }
        else
        {
            copy[identity] = source;
        }

        return new SourceBook(Default, copy);
    }

    /// <summary>This book without the pictures of identities <paramref name="mapped"/> no longer names (the settings changed).</summary>
    public SourceBook Keeping(IReadOnlyDictionary<string, string> mapped)
    {
        if (_byIdentity.Keys.All(mapped.ContainsKey))
        {
            return this;
        }

        var copy = _byIdentity.Where(kv => mapped.ContainsKey(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return new SourceBook(Default, copy);
    }
}
