using Aisp.Core;

namespace Aisp.Cli;

/// <summary>
/// The files a run writes, each first under a temporary name beside its final one (same folder, so
/// the rename is atomic, and the same extension, so encoders still know the format). Only
/// <see cref="Commit"/>, after everything succeeded, gives them their names; a failed run deletes
/// them, so it never leaves a finished-looking output behind.
/// </summary>
public sealed class OutputFiles : IDisposable
{
    private readonly List<(string Temp, string Final)> _files = [];
    private bool _committed;

    /// <summary>The temporary path to write <paramref name="final"/> under.</summary>
    public string Temp(string final)
    {
        string full = Path.GetFullPath(final);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileNameWithoutExtension(full)}.aisp-{Environment.ProcessId}{Path.GetExtension(full)}");
        _files.Add((temp, full));
        return temp;
    }

    /// <summary>Writes a whole file under its temporary name; failures name the real cause.</summary>
    public void Write(string final, ReadOnlySpan<byte> bytes)
    {
        string temp = Temp(final);
        try
        {
            using var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None);
            stream.Write(bytes);
            stream.Flush(flushToDisk: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            // ArgumentOutOfRange: .NET's word for EFBIG (past the file-size limit)
            throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.OutputPrefix} {final}: {Why(e).Replace(temp, final, StringComparison.Ordinal)}", e);
        }
    }

    /// <summary>The cause of a write failure in words: .NET reports EFBIG as an argument error about a file length.</summary>
    public static string Why(Exception e) =>
        e is ArgumentOutOfRangeException ? "the file grew past the file-size limit (EFBIG)" : e.Message;

    public void Commit()
    {
        foreach ((string temp, string final) in _files)
        {
            try
            {
                File.Move(temp, final, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.OutputPrefix} {final}: {e.Message}", e);
            }
        }

        _committed = true;
    }

    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        foreach ((string temp, _) in _files)
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"aisp: could not remove the unfinished {temp}: {e.Message}");
            }
        }
    }
}
