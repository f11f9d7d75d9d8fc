using Aisp.Core;
using Aisp.Core.IO;

namespace Aisp.Cli;

/// <summary>
/// Checks the paths of a run before any work, so each failure names its real cause: a directory
/// given as input, an output "folder" that is a file, a FIFO or device in either place.
/// </summary>
public static class CliPaths
{
    /// <summary>An input must be a regular file (a FIFO would block the decoder for ever).</summary>
    public static void CheckInput(string path, string what = "")
    {
        string prefix = $"{ExitCodes.InputPrefix} {what}{path}";
        switch (FileProbe.Probe(path).Kind)
        {
            case FileKind.Missing: throw Fail(prefix, "no such file");
            case FileKind.Directory: throw Fail(prefix, "it is a directory, not a file");
            case FileKind.Special: throw Fail(prefix, "it is not a regular file (a FIFO, device or socket)");
        }
    }

    /// <summary>An output's folder must exist and be a folder; the output itself, if present, a regular file we may replace.</summary>
    public static void CheckOutput(string path)
    {
        string prefix = $"{ExitCodes.OutputPrefix} {path}";
        string full = Path.GetFullPath(path);
        string? folder = Path.GetDirectoryName(full);
        if (folder is null || Path.GetFileName(full).Length == 0)
        {
            throw Fail(prefix, "it names a folder, not a file");
        }

        // The nearest part of the path that exists tells why the folder is missing.
        for (string? probe = folder; probe is not null; probe = Path.GetDirectoryName(probe))
        {
            FileKind kind = FileProbe.Probe(probe).Kind;
            if (kind == FileKind.Missing)
            {
                continue;
            }

            if (kind != FileKind.Directory)
            {
                throw Fail(prefix, $"{probe} is a file, not a folder");
            }

            if (probe != folder)
            {
                throw Fail(prefix, $"folder {folder} does not exist");
            }

            break;
        }

        switch (FileProbe.Probe(full).Kind)
        {
            case FileKind.Directory: throw Fail(prefix, "it is a directory");
            case FileKind.Special: throw Fail(prefix, "it is not a regular file (a FIFO, device or socket)");
        }
    }

    private static AispException Fail(string prefix, string why) => new(ErrorKind.InvalidArgument, $"{prefix}: {why}");
}
