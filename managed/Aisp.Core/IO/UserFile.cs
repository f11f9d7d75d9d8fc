namespace Aisp.Core.IO;

/// <summary>
/// Reads files whose path a user chose (models, the manifest, pictures) without trusting the path:
/// it must name a regular file no larger than a cap, so a FIFO cannot hang the caller and
/// /dev/zero cannot eat its memory. Every refusal is an <see cref="AispException"/> of the
/// caller's kind whose message names the real cause.
/// </summary>
public static class UserFile
{
    /// <summary>The size of <paramref name="path"/> once it is known to be a regular file within <paramref name="maxBytes"/>.</summary>
    public static long Check(string path, string what, long maxBytes, ErrorKind kind)
    {
        (FileKind fileKind, long size) = FileProbe.Probe(path);
        return fileKind switch
        {
            FileKind.Missing => throw new AispException(kind, $"{what} {path} does not exist"),
            FileKind.Directory => throw new AispException(kind, $"{what} {path} is a directory, not a file"),
            FileKind.Special => throw new AispException(kind, $"{what} {path} is not a regular file (a FIFO, device or socket)"),
            _ when size > maxBytes => throw new AispException(kind, $"{what} {path} is {size} bytes, over the limit of {maxBytes}"),
            _ when size == 0 => throw new AispException(kind, $"{what} {path} is empty"),
            _ => size,
        };
    }

    /// <summary>All bytes of a checked file (<see cref="Check"/>), read up to the size seen, never more.</summary>
    public static byte[] ReadAll(string path, string what, long maxBytes, ErrorKind kind)
    {
        long size = Check(path, what, maxBytes, kind);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
            var bytes = new byte[size];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (EndOfStreamException)
        {
            throw new AispException(kind, $"{what} {path} shrank while it was read");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AispException(kind, $"{what} {path} cannot be read: {e.Message}", e);
        }
    }
}
