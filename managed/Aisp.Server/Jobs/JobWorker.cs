using System.Diagnostics;
using System.Globalization;

namespace Aisp.Server.Jobs;

/// <summary>How a worker ended: its exit code (null when it was stopped) and the error line it printed, if any.</summary>
public sealed record WorkerExit(int? ExitCode, string? ErrorLine);

/// <summary>
/// Runs one job as a child process: "aisp process --progress ..." with the job's files, so the file
/// goes through the same core, settings and checks as the CLI, and a crash in the worker (a native
/// library, a corrupt video) fails that job only. Its progress lines come back as callbacks.
/// </summary>
public sealed class JobWorker(ServerOptions options, ILogger log)
{
    private const string ProgressPrefix = "aisp: progress ";
    private const string ErrorPrefix = "aisp: error: ";

    /// <param name="started">Gets the worker's process id as soon as it runs (kept, so a restart can stop a worker the server lost).</param>
    /// <param name="progress">Frames done and total (0 when the video does not say); the first call means the models are loaded.</param>
    /// <param name="stop">Stops the worker (cancel, or the server shutting down): the exit then has no code.</param>
    public async Task<WorkerExit> RunAsync(Job job, Action<int> started, Action<int, int> progress, CancellationToken stop)
    {
        ProcessStartInfo info = WorkerCommand.For(options, ["process", "--input", job.Input, "--output", job.ResultPath(options), "--stats", job.StatsPath(options),
            "--settings", job.Settings, "--progress"]);
        using var process = new Process { StartInfo = info };
        process.Start();
        started(process.Id);
        string? error = null;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None); // the statistics also go to stats.json; drained so the worker never blocks
        Task reading = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync(CancellationToken.None) is { } line)
            {
                if (line.StartsWith(ProgressPrefix, StringComparison.Ordinal) && TryParseProgress(line.AsSpan(ProgressPrefix.Length), out int done, out int total))
                {
                    progress(done, total);
                }
                else
                {
                    if (line.StartsWith(ErrorPrefix, StringComparison.Ordinal))
                    {
                        error = line[ErrorPrefix.Length..];
                    }

                    log.LogDebug("Job {Id}: {Line}", job.Id, line);
                }
            }
        }, CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(stop);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            await Task.WhenAll(reading, stdout);
            return new WorkerExit(null, null);
        }

        await Task.WhenAll(reading, stdout);
        return new WorkerExit(process.ExitCode, error);
    }

    private static bool TryParseProgress(ReadOnlySpan<char> text, out int done, out int total)
    {
        int slash = text.IndexOf('/');
        total = 0;
        done = 0;
        return slash > 0 && int.TryParse(text[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out done)
            && int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out total);
    }
}
