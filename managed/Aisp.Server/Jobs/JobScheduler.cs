using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Aisp.Core.Control;
using Aisp.Server.Events;

namespace Aisp.Server.Jobs;

/// <summary>
/// The file job queue: jobs start in the order they came, at most <see cref="ServerOptions.MaxConcurrentJobs"/>
/// at once, each in its own worker process. Every step is stored first and then published as the
/// seed's TASK_* event. On start it recovers what a stop or crash interrupted: such a job starts
/// again from the beginning (its outputs only ever appear complete), until it has been interrupted
/// <see cref="ServerOptions.MaxJobAttempts"/> times; then it fails with that reason. A failing job
/// never stops the queue.
/// </summary>
public sealed class JobScheduler(ServerOptions options, JobStore store, EventHub events, ILogger<JobScheduler> log) : BackgroundService
{
    public const string Created = "TASK_CREATED", Started = "TASK_STARTED", Progress = "TASK_PROGRESS", Completed = "TASK_COMPLETED", Failed = "TASK_FAILED", Cancelled = "TASK_CANCELLED";

    private static readonly TimeSpan ProgressEvery = TimeSpan.FromMilliseconds(500);

    private readonly Channel<long> _ready = Channel.CreateUnbounded<long>();
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _running = new();
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrentJobs);
    private readonly JobWorker _worker = new(options, log);

    public int Running => _running.Count;

    /// <summary>Queues a job created in INIT whose input is in place.</summary>
    public Job Submit(Job job)
    {
        Job queued = store.Move(job.Id, FilterState.Waiting) ?? throw new InvalidOperationException($"job {job.Id} is not new");
        Publish(Created, queued, []);
        _ready.Writer.TryWrite(queued.Id);
        return queued;
    }

    /// <summary>Cancels a waiting or running job; null when it is unknown or already finished.</summary>
    public Job? Cancel(long id, string by)
    {
        if (_running.TryGetValue(id, out CancellationTokenSource? stop))
        {
            stop.Cancel(); // the worker's task records the end
            return store.Get(id);
        }

        Job? cancelled = store.Move(id, FilterState.Completed, JobResults.Cancelled, $"cancelled by {by}");
        if (cancelled is not null)
        {
            Publish(Cancelled, cancelled, new JsonObject { ["by"] = by });
            return cancelled;
        }

        // Started between the two looks: cancel the worker.
        if (_running.TryGetValue(id, out stop))
        {
            stop.Cancel();
        }

        return store.Get(id) is { IsFinished: false } j ? j : null;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.JobsDir);
        LeftoverFiles.Remove(options, log);
        Recover();
        foreach (Job waiting in store.InState(FilterState.Waiting))
        {
            _ready.Writer.TryWrite(waiting.Id);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tasks = new ConcurrentDictionary<Task, byte>();
        try
        {
            await foreach (long id in _ready.Reader.ReadAllAsync(stoppingToken))
            {
                await _slots.WaitAsync(stoppingToken);
                Task run = Task.Run(() => RunOne(id, stoppingToken), CancellationToken.None);
                tasks[run] = 0;
                _ = run.ContinueWith(t => tasks.TryRemove(t, out _), TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the running workers stop with it and stay STARTING/PROCESSING, for Recover.
        }

        await Task.WhenAll(tasks.Keys);
    }

    private async Task RunOne(long id, CancellationToken stopping)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        try
        {
            if (store.Get(id)?.State != FilterState.Waiting)
            {
                return; // cancelled while it waited
            }

            _running[id] = cancel;
            Job? job = store.Move(id, FilterState.Starting);
            if (job is null)
            {
                return;
            }

            Directory.CreateDirectory(Job.Folder(options, id)); // the result and statistics go there (an upload is there already)
            Publish(Started, job, new JsonObject { ["attempt"] = job.Attempts, ["resumed"] = job.Attempts > 1 });
            var lastEvent = Stopwatch.StartNew();
            bool processing = false;
            WorkerExit exit = await _worker.RunAsync(job, pid => store.SetPid(id, pid), (done, total) =>
            {
                try
                {
                    store.SetProgress(id, done, total);
                    if (!processing)
                    {
                        processing = true;
                        job = store.Move(id, FilterState.Processing) ?? job;
                    }
                    else if (lastEvent.Elapsed < ProgressEvery && done < total)
                    {
                        return;
                    }

                    lastEvent.Restart();
                    Publish(Progress, store.Get(id) ?? job, []);
                }
                catch (Microsoft.Data.Sqlite.SqliteException e)
                {
                    // Progress is news, not the job: a disk filling up (often by this very job) must leave the worker's own outcome to decide.
                    log.LogWarning("Job {Id}: its progress could not be recorded: {Message}", id, e.Message);
                }
            }, cancel.Token);
            Finish(id, exit, stopping.IsCancellationRequested);
        }
#pragma warning disable CA1031 // one job's failure (a worker that cannot start, a full disk) fails that job, never the queue
        catch (Exception e)
#pragma warning restore CA1031
        {
            log.LogError("Job {Id} failed: {Message}", id, e.Message);
            TryFail(id, $"the server could not run the job: {e.Message}");
        }
        finally
        {
            _running.TryRemove(id, out _);
            _slots.Release();
        }
    }

    private void Finish(long id, WorkerExit exit, bool shuttingDown)
    {
        if (exit.ExitCode is null)
        {
            if (shuttingDown)
            {
                log.LogInformation("Job {Id} interrupted by the server's stop; it starts again at the next start", id);
                return;
            }

            Job? cancelled = store.Move(id, FilterState.Completed, JobResults.Cancelled, "cancelled while it ran");
            if (cancelled is not null)
            {
                DeleteResult(cancelled);
                Publish(Cancelled, cancelled, []);
            }

            return;
        }

        if (exit.ExitCode == 0)
        {
            Job? done = store.Move(id, FilterState.Completed, JobResults.Succeeded);
            if (done is not null)
            {
                Publish(Completed, done, new JsonObject { ["seconds"] = Math.Round((DateTimeOffset.UtcNow - done.Started!.Value).TotalSeconds, 2) });
            }

            return;
        }

        Fail(id, $"{exit.ErrorLine ?? "the worker stopped without a message"} (exit code {exit.ExitCode}: {Aisp.Core.ExitCodes.Meaning(exit.ExitCode.Value)})");
    }

    /// <summary>
    /// Records a failure when the database still can (a full disk may refuse even that): the job
    /// then stays as it was recorded, and the next start recovers it. Never throws: one job's
    /// failure must not become the queue's.
    /// </summary>
    private void TryFail(long id, string reason)
    {
        try
        {
            Fail(id, reason);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            log.LogError("Job {Id}: its failure could not be recorded ({Message}); the next start recovers it", id, e.Message);
        }
    }

    private void Fail(long id, string reason)
    {
        if (store.Get(id) is { IsFinished: false } job)
        {
            DeleteResult(job); // first: on a full disk the partial result is what frees the space the record needs
        }

        Job? failed = store.Move(id, FilterState.Error, JobResults.Failed, reason);
        if (failed is not null)
        {
            Publish(Failed, failed, new JsonObject { ["reason"] = reason });
        }
    }

    /// <summary>The CLI's documented exit codes, so a failed job says what kind of failure it was.</summary>
    /// <summary>Jobs a stop or crash left running: start again, or fail once they have been interrupted too often.</summary>
    private void Recover()
    {
        foreach (Job job in store.InState(FilterState.Starting, FilterState.Processing))
        {
            try
            {
                Recover(job);
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                // A full disk must not keep the server from starting: the job is recovered at a later start.
                log.LogError("Job {Id} could not be recovered now: {Message}", job.Id, e.Message);
            }
        }
    }

    private void Recover(Job job)
    {
        StopLostWorker(job);
        if (job.Attempts >= options.MaxJobAttempts)
        {
            Fail(job.Id, $"interrupted {job.Attempts} times (the server stopped or crashed while it ran); not started again");
            return;
        }

        if (store.Move(job.Id, FilterState.Waiting) is { } requeued)
        {
            log.LogInformation("Job {Id} was interrupted (attempt {Attempt}); it starts again", job.Id, job.Attempts);
            Publish(Progress, requeued, new JsonObject { ["interrupted"] = true });
        }
    }

    /// <summary>A worker whose server died may still run: it is stopped, if that process id is still this job's worker.</summary>
    private void StopLostWorker(Job job)
    {
        if (job.Pid is not { } pid)
        {
            return;
        }

        try
        {
            string cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            if (cmdline.Contains(Job.Folder(options, job.Id) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                using var lost = Process.GetProcessById(pid);
                lost.Kill(entireProcessTree: true);
                lost.WaitForExit(5000);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            // gone already
        }
    }

    private void DeleteResult(Job job)
    {
        try
        {
            File.Delete(job.ResultPath(options));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.LogWarning("Job {Id}: could not remove its partial result: {Message}", job.Id, e.Message);
        }
    }

    private void Publish(string type, Job job, JsonObject extra)
    {
        JsonObject payload = job.ToJson();
        foreach ((string key, JsonNode? value) in extra.ToArray())
        {
            extra.Remove(key);
            payload[key] = value;
        }

        events.Publish(type, DateTimeOffset.UtcNow, "", "", payload);
    }

    public override void Dispose()
    {
        _slots.Dispose();
        base.Dispose();
    }
}
