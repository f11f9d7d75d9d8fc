using System.Text.Json.Nodes;
using Aisp.Assistant;
using Aisp.Core;
using Aisp.Core.Assistant;
using Aisp.Core.Identities;
using Aisp.Server.Metrics;
using Aisp.Server.Obs;

namespace Aisp.Server.Assistant;

/// <summary>A strategy for one filter, and the filter it was made for (null: made for this machine in general).</summary>
public sealed record FilterTarget(string Source, string Filter);

/// <summary>
/// The assistant in the server: reads the system status (ONNX Runtime's providers, GPU memory, the
/// machine's CPU load, the filter's latency, fps and settings, the face library's names), asks the
/// configured model or the rules, applies a strategy through the plugin's vendor like any settings
/// change, and records it in the history with what the following minute measured.
/// </summary>
public sealed class AssistantService(ServerOptions options, ObsBridge obs, ServerAlerts alerts, ILogger<AssistantService> log) : IDisposable
{
    private readonly Lazy<StrategyHistory> _history = new(() => StrategyHistory.Open(options.AssistantHistoryPath));
    private readonly Lazy<long?> _gpuMemory = new(SystemStatus.NvidiaMemoryMb);
    private readonly SemaphoreSlim _modelGate = new(1, 1); // one question at a time: an in-process model is not re-entrant
    private readonly CancellationTokenSource _stopping = new();
    private ModelPlanner? _planner;
    private IDisposable? _model;
    private string? _modelError;

    public StrategyHistory History => _history.Value;

    /// <summary>What the assistant knows now, for <paramref name="target"/> when given.</summary>
    public async Task<SystemStatus> StatusAsync(FilterTarget? target, CancellationToken ct)
    {
        IReadOnlyList<string> providers;
        try
        {
            providers = Core.Inference.ExecutionProviderChoice.Available();
        }
        catch (AispException)
        {
            providers = [];
        }

        var status = new SystemStatus
        {
            Providers = providers, GpuMemoryMb = _gpuMemory.Value, CpuPercent = alerts.Last.Cpu, SelfName = options.SelfName,
        };
        string library = options.FaceLibraryPath;
        if (target is not null)
        {
            JsonObject data = new() { ["source"] = target.Source, ["filter"] = target.Filter };
            JsonNode settings = await obs.VendorAsync("GetSettings", data.DeepClone().AsObject(), ct);
            ThrowIfError(settings);
            JsonNode state = await obs.VendorAsync("GetStatus", data, ct);
            ThrowIfError(state);
            JsonNode? s = state["status"];
            double fps = (double?)s?["fps"] ?? 0;
            status = status with
            {
                Current = settings["settings"] as JsonObject is { } current ? current.DeepClone().AsObject() : [],
                LatencyP95Ms = (double?)s?["stages"]?["total"]?["p95_ms"] is > 0 and var p95 ? p95 : null,
                Fps = fps > 0 ? fps : null,
            };
            if ((string?)status.Current["face_library"] is { Length: > 0 } own && File.Exists(own))
            {
                library = own; // the filter's own library names its people
            }
        }

        return status with { KnownPeople = People(library) };
    }

    public async Task<Strategy> SuggestAsync(string instruction, FilterTarget? target, CancellationToken ct)
    {
        SystemStatus status = await StatusAsync(target, ct);
        IReadOnlyList<HistoryRecord> history = History.Recent();
        ModelPlanner? planner = Planner();
        if (planner is null)
        {
            Strategy rules = StrategyPlanner.Plan(instruction, InstructionRules.Parse(instruction, status.KnownPeople), status, history);
            return _modelError is null ? rules : rules with { Fallback = _modelError };
        }

        await _modelGate.WaitAsync(ct);
        try
        {
            return await planner.PlanAsync(instruction, status, history, ct);
        }
        finally
        {
            _modelGate.Release();
        }
    }

    /// <summary>Applies <paramref name="strategy"/> to the filter (the vendor validates it as any settings change), records it, and measures the following minute.</summary>
    public async Task<(JsonNode Answer, long? HistoryId)> ApplyAsync(Strategy strategy, FilterTarget target, CancellationToken ct)
    {
        if (strategy.Choices.Count == 0)
        {
            return (new JsonObject { ["applied"] = false }, null);
        }

        JsonNode answer = await obs.VendorAsync("SetSettings", new JsonObject
        {
            ["source"] = target.Source, ["filter"] = target.Filter, ["settings"] = strategy.Settings,
        }, ct);
        if (answer["error"] is not null)
        {
            return (answer, null);
        }

        long id = History.Applied(strategy, strategy.Status.Current);
        log.LogInformation("Assistant: strategy {Id} ({Planner}) applied to {Source}/{Filter}: {Settings}", id, strategy.Planner, target.Source, target.Filter, strategy.Settings.ToJsonString());
        _ = Task.Run(() => MeasureAsync(id, target, strategy.Status.FrameBudgetMs, _stopping.Token), CancellationToken.None);
        return (answer, id);
    }

    /// <summary>The following minute: p95 latency (the worst of the samples), mean fps, and the share of frames that failed.</summary>
    private async Task MeasureAsync(long id, FilterTarget target, double budgetMs, CancellationToken ct)
    {
        const int Samples = 6;
        var p95 = new List<double>();
        var fps = new List<double>();
        double? firstProcessed = null, firstFailed = null, processed = 0, failed = 0;
        try
        {
            for (int i = 0; i <= Samples; i++)
            {
                await Task.Delay(options.AssistantMeasureWindow / Samples, ct);
                JsonNode? s = (await obs.VendorAsync("GetStatus", new JsonObject { ["source"] = target.Source, ["filter"] = target.Filter }, ct))["status"];
                if (s is null)
                {
                    return; // the filter is gone: nothing to learn
                }

                processed = (double?)s["frames_processed"] ?? 0;
                failed = (double?)s["frames_failed"] ?? 0;
                firstProcessed ??= processed;
                firstFailed ??= failed;
                if (i > 0)
                {
                    p95.Add((double?)s["stages"]?["total"]?["p95_ms"] ?? 0);
                    fps.Add((double?)s["fps"] ?? 0);
                }
            }

            double frames = (processed - firstProcessed ?? 0) + (failed - firstFailed ?? 0);
            double errorRate = frames > 0 ? 100 * (failed - firstFailed ?? 0) / frames : 0;
            History.Measured(id, p95.Max(), fps.Average(), errorRate, budgetMs);
            log.LogInformation("Assistant: strategy {Id} measured: p95 {P95:0.0} ms, {Fps:0.0} fps, {Errors:0.0} % errors", id, p95.Max(), fps.Average(), errorRate);
        }
        catch (Exception e) when (e is OperationCanceledException or ObsUnavailableException or InvalidOperationException or AispException)
        {
            log.LogInformation("Assistant: strategy {Id} was not measured: {Why}", id, e.Message);
        }
    }

    private ModelPlanner? Planner()
    {
        if (_planner is not null || options.AssistantModel is not { Length: > 0 } spec || _modelError is not null)
        {
            return _planner;
        }

        try
        {
            if (spec.StartsWith("ollama=", StringComparison.Ordinal) && spec[7..].Split('#', 2) is [var url, { Length: > 0 } model] && Uri.TryCreate(url, UriKind.Absolute, out Uri? server))
            {
                _planner = ChatModels.Ollama(server, model, options.AssistantDeadline, log);
            }
            else if (spec.StartsWith("gguf=", StringComparison.Ordinal))
            {
                (_planner, _model) = ChatModels.Gguf(spec[5..], options.AssistantDeadline, log);
            }
            else
            {
                _modelError = $"assistant model '{spec}' is neither ollama=URL#MODEL nor gguf=PATH: the rules answer";
            }
        }
        catch (AispException e)
        {
            _modelError = $"{e.Message}: the rules answer";
        }

        if (_modelError is not null)
        {
            log.LogWarning("Assistant: {Error}", _modelError);
        }

        return _planner;
    }

    private static List<string> People(string library)
    {
        if (!File.Exists(library))
        {
            return [];
        }

        try
        {
            using FaceLibrary faces = FaceLibrary.Open(library, create: false, readOnly: true);
            return faces.List().Select(r => r.Name).ToList();
        }
        catch (AispException)
        {
            return []; // a damaged library names nobody; privacy then covers everyone
        }
    }

    private static void ThrowIfError(JsonNode answer)
    {
        if (answer["error"] is JsonObject error)
        {
            throw new VendorRefusedException(error);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        _model?.Dispose();
        _modelGate.Dispose();
    }
}

/// <summary>The plugin's vendor answered with an error (in the seed's format), e.g. FILTER_NOT_FOUND.</summary>
public sealed class VendorRefusedException(JsonObject error) : Exception((string?)error["message"] ?? "the plugin refused the request")
{
    public JsonObject Error { get; } = error;
}
