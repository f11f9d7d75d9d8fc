using System.Globalization;
using System.Text.RegularExpressions;

namespace Aisp.Server.Jobs;

/// <summary>
/// What a crash leaves in the data folder, removed at start: a worker's unfinished output
/// (".result.aisp-PID.ext", whose worker is gone), an upload cut off mid-way ("upload-*.part") and
/// an enrolment's scratch folder ("enrol-*"). Nothing of a live process is touched.
/// </summary>
public static partial class LeftoverFiles
{
    public static void Remove(ServerOptions options, ILogger log)
    {
        int removed = 0;
        foreach (string file in Directory.EnumerateFiles(options.JobsDir, "*", SearchOption.AllDirectories))
        {
            string name = Path.GetFileName(file);
            bool orphan = name.StartsWith("upload-", StringComparison.Ordinal) && name.EndsWith(".part", StringComparison.Ordinal)
                || (WorkerTemp().Match(name) is { Success: true } m && !Alive(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
            removed += orphan && TryDelete(() => File.Delete(file), log) ? 1 : 0;
        }

        foreach (string folder in Directory.EnumerateDirectories(options.DataDir, "enrol-*"))
        {
            removed += TryDelete(() => Directory.Delete(folder, recursive: true), log) ? 1 : 0;
        }

        if (removed > 0)
        {
            log.LogInformation("Removed {Count} files an earlier run left unfinished", removed);
        }
    }

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}");

    private static bool TryDelete(Action delete, ILogger log)
    {
        try
        {
            delete();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.LogWarning("A leftover file could not be removed: {Message}", e.Message);
            return false;
        }
    }

    [GeneratedRegex(@"^\..+\.aisp-(\d{1,9})\.[^.]+$")]
    private static partial Regex WorkerTemp();
}
