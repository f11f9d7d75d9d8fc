using Aisp.Core.Platform;

namespace Aisp.Core.IO;

/// <summary>What a path names, as the file system says (without opening it).</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,

    /// <summary>A FIFO, device, socket: opening or reading it can block or never end.</summary>
    Special,
}

/// <summary>
/// Looks a path up without opening it. .NET's FileInfo reports a FIFO or /dev/zero as a normal
/// file of length 0, and opening a FIFO blocks until a writer comes, so on Linux this asks the
/// kernel (<see cref="LinuxFileStatus"/>); elsewhere FileInfo is what there is.
/// </summary>
public static class FileProbe
{
    /// <summary>The kind of <paramref name="path"/> and its size in bytes (0 unless regular).</summary>
    public static (FileKind Kind, long Size) Probe(string path)
    {
        if (LinuxFileStatus.TryStat(path, out bool exists, out int type, out long size))
        {
            return !exists ? (FileKind.Missing, 0)
                : type == LinuxFileStatus.TypeRegular ? (FileKind.Regular, size)
                : type == LinuxFileStatus.TypeDirectory ? (FileKind.Directory, 0)
                : (FileKind.Special, 0);
        }

        if (Directory.Exists(path))
        {
            return (FileKind.Directory, 0);
        }

        var info = new FileInfo(path);
        return info.Exists ? (FileKind.Regular, info.Length) : (FileKind.Missing, 0);
    }
}
