using Aisp.Core.IO;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Identities;

/// <summary>
/// The enrolled identities the live filter matches against, read from the face library and read
/// again when the file changes (the CLI or another tool enrols while OBS runs). A library that
/// cannot be read (damaged, locked, missing) leaves the set empty and says why in <see cref="Problem"/>:
/// the filter keeps working without identities.
/// </summary>
public sealed class IdentitySet
{
    /// <summary>How often the library file is looked at for changes, in seconds of video.</summary>
    public const double CheckSeconds = 2;

    private readonly ILogger _log;
    private long _lastCheckNs = long.MinValue;
    private long _stamp;

    private readonly string _walPath;

    public IdentitySet(string path, ILogger log)
    {
        Path = path;
        _walPath = path + "-wal";
        _log = log;
        Reload();
    }

    public string Path { get; }

    public IReadOnlyList<KnownIdentity> Known { get; private set; } = [];

    /// <summary>Why the library could not be read, or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>Bumped each time the identities are read again: cached recognitions from before are stale.</summary>
    public int Version { get; private set; }

    /// <summary>
    /// Reads the library again if its files changed since the last look (at most every
    /// <see cref="CheckSeconds"/> of the frames' own time, so the same frames give the same
    /// answers however fast a machine analyses them; a clock that jumps back, a looped media
    /// source, looks at once); true when it did.
    /// </summary>
    public bool RefreshIfChanged(long frameTimestampNs)
    {
        const long CheckNs = (long)(CheckSeconds * 1e9);
        if (_lastCheckNs != long.MinValue && frameTimestampNs >= _lastCheckNs && frameTimestampNs - _lastCheckNs < CheckNs)
        {
            return false;
        }

        _lastCheckNs = frameTimestampNs;
        if (Stamp() == _stamp)
        {
            return false;
        }

        Reload();
        return true;
    }

    private void Reload()
    {
        _stamp = Stamp();
        try
        {
            using FaceLibrary library = FaceLibrary.Open(Path, create: false, readOnly: true);
            Known = library.LoadAll();
            Problem = null;
            _log.LogInformation("Face library {Path}: {Count} identities", Path, Known.Count);
        }
        catch (AispException e)
        {
            Known = [];
            Problem = e.Message;
            _log.LogWarning("Face library unavailable, faces stay unknown: {Message}", e.Message);
        }

        Version++;
    }

    /// <summary>Size and modification of the library and its write-ahead log: what changes when anyone writes.</summary>
    private long Stamp()
    {
        long stamp = 0;
        foreach (string file in (ReadOnlySpan<string>)[Path, _walPath])
        {
            (FileKind kind, long size) = FileProbe.Probe(file);
            if (kind == FileKind.Regular)
            {
                stamp = (stamp * 31) + size + File.GetLastWriteTimeUtc(file).Ticks;
            }
        }

        return stamp;
    }
}
