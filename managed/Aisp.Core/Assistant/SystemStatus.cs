using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Aisp.Core.Assistant;

/// <summary>
/// What the planner knows of the machine and the filter: the execution providers ONNX Runtime
/// offers, GPU memory where visible, CPU load, the filter's measured latency and fps, its current
/// settings, the face library's names, and whether inswapper weights are configured.
/// </summary>
public sealed record SystemStatus
{
    public IReadOnlyList<string> Providers { get; init; } = [];

    /// <summary>Total memory of the first GPU in MiB, or null where no GPU is visible.</summary>
    public long? GpuMemoryMb { get; init; }

    public double CpuPercent { get; init; } = double.NaN;

    /// <summary>The filter's p95 processing latency (ms) and fps, where a filter is running.</summary>
    public double? LatencyP95Ms { get; init; }

    public double? Fps { get; init; }

    /// <summary>The filter's settings now (the planner changes what the instruction and rules call for, and keeps the rest).</summary>
    public JsonObject Current { get; init; } = [];

    public IReadOnlyList<string> KnownPeople { get; init; } = [];

    /// <summary>Who "me" is: the user's name in the face library, where known.</summary>
    public string? SelfName { get; init; }

    /// <summary>Frame budget in ms: one frame at the filter's rate (30 fps when unknown).</summary>
    public double FrameBudgetMs { get; init; } = 1000.0 / 30;

    public bool SwapWeightsConfigured => Current["swap_model"] is JsonValue v && v.TryGetValue(out string? s) && s.Length > 0;

    public bool HasCuda => Providers.Contains("CUDAExecutionProvider");

    public JsonObject ToJson() => new()
    {
        ["providers"] = new JsonArray(Providers.Select(p => (JsonNode)p).ToArray()),
        ["gpu_memory_mb"] = GpuMemoryMb,
        ["cpu_percent"] = double.IsNaN(CpuPercent) ? null : Math.Round(CpuPercent, 1),
        ["latency_p95_ms"] = LatencyP95Ms is { } l ? Math.Round(l, 1) : null,
        ["fps"] = Fps is { } f ? Math.Round(f, 1) : null,
        ["frame_budget_ms"] = Math.Round(FrameBudgetMs, 1),
        ["swap_weights"] = SwapWeightsConfigured,
    };

    /// <summary>This machine now: ORT's providers, nvidia-smi's memory where it exists (unless <paramref name="probeGpu"/> is false: no child process inside OBS), CPU load over <paramref name="sample"/>.</summary>
    public static SystemStatus Probe(TimeSpan sample, bool probeGpu = true)
    {
        var load = new Control.SystemLoad();
        load.CpuPercent();
        Thread.Sleep(sample);
        IReadOnlyList<string> providers;
        try
        {
            providers = Inference.ExecutionProviderChoice.Available();
        }
        catch (AispException)
        {
            providers = [];
        }

        return new SystemStatus { Providers = providers, GpuMemoryMb = probeGpu ? NvidiaMemoryMb() : null, CpuPercent = load.CpuPercent() };
    }

    /// <summary>The first GPU's total memory from nvidia-smi (no NVML binding here); null without it or when it says nothing in two seconds.</summary>
    public static long? NvidiaMemoryMb()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("nvidia-smi", "--query-gpu=memory.total --format=csv,noheader,nounits")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            });
            if (p is null)
            {
                return null;
            }

            Task<string> output = p.StandardOutput.ReadToEndAsync();
            if (!p.WaitForExit(2000))
            {
                p.Kill();
                return null;
            }

            string first = output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "";
            return p.ExitCode == 0 && long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out long mb) ? mb : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null; // no nvidia-smi: no NVIDIA GPU visible
        }
    }
}
