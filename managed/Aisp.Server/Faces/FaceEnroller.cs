using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Aisp.Server.Faces;

/// <summary>How an enrolment ended: the CLI's exit code and its JSON answer, or its error line.</summary>
public sealed record EnrolOutcome(int ExitCode, JsonNode? Answer, string? Error);

/// <summary>
/// Enrols a face the way "aisp faces add" does, by running it: the same detector, landmarks and
/// embedding models as the live filter, and a crash in a native library costs that request only,
/// never the server. The photo is a file the server wrote (an upload).
/// </summary>
public sealed class FaceEnroller(ServerOptions options, ILogger<FaceEnroller> log) : IDisposable
{
    private const string ErrorPrefix = "aisp: error: ";

    /// <summary>The exit code an enrolment gets when every slot is taken (it never started).</summary>
    public const int Busy = -2;

    /// <summary>Each enrolment loads the models in a worker of its own (hundreds of MB): a few at once, the rest answered at once.</summary>
    public const int MaxAtOnce = 2;

    private readonly SemaphoreSlim _slots = new(MaxAtOnce, MaxAtOnce);

    /// <summary>Loading the models and embedding one photo takes seconds; a worker still busy after this is stuck.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    public async Task<EnrolOutcome> EnrolAsync(string name, string photo, string? pick, CancellationToken ct)
    {
        if (!_slots.Wait(0, CancellationToken.None))
        {
            return new EnrolOutcome(Busy, null, $"{MaxAtOnce} enrolments are running");
        }

        try
        {
            return await RunAsync(name, photo, pick, ct);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<EnrolOutcome> RunAsync(string name, string photo, string? pick, CancellationToken ct)
    {
        List<string> args = ["faces", "add", name, photo, "--library", options.FaceLibraryPath];
        if (pick is not null)
        {
            args.AddRange(["--pick", pick]);
        }

        ProcessStartInfo info = Jobs.WorkerCommand.For(options, args);
        using var process = new Process { StartInfo = info };
        process.Start();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            await Task.WhenAll(stdout, stderr);
            return new EnrolOutcome(-1, null, ct.IsCancellationRequested ? "the request was cancelled" : $"enrolment took longer than {Deadline.TotalSeconds:0} s");
        }

        string output = await stdout, errors = await stderr;
        string? error = errors.Split('\n').LastOrDefault(l => l.StartsWith(ErrorPrefix, StringComparison.Ordinal))?[ErrorPrefix.Length..];
        if (process.ExitCode != 0)
        {
            log.LogInformation("Enrolment of a face failed ({Code}): {Error}", process.ExitCode, error);
            return new EnrolOutcome(process.ExitCode, null, error ?? $"the enrolment worker ended with code {process.ExitCode}");
        }

        return new EnrolOutcome(0, JsonNode.Parse(output), null);
    }

    public void Dispose() => _slots.Dispose();
}
