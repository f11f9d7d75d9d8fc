using System.Collections.Concurrent;
using Aisp.Core.Control;
using Aisp.Core.Pipeline;
using Aisp.Native.Gpu;

namespace Aisp.Native;

/// <summary>
/// Maps the opaque aisp_instance* handles given to C to instances. Handles are counters, never
/// addresses, so a stale, doubled or made-up handle is an error instead of a crash.
/// </summary>
internal static class InstanceTable
{
    private static readonly ConcurrentDictionary<nint, Instance> Instances = new();
    private static long s_next = 0x1000;

    public static nint Add(FacePipeline pipeline)
    {
        nint handle = (nint)Interlocked.Increment(ref s_next);
        Instances[handle] = new Instance(pipeline);
        return handle;
    }

    public static bool TryGet(nint handle, out FacePipeline pipeline)
    {
        bool found = Instances.TryGetValue(handle, out Instance? instance);
        pipeline = instance?.Pipeline!;
        return found;
    }

    public static bool TryGet(nint handle, out Instance instance) => Instances.TryGetValue(handle, out instance!);

    public static bool TryRemove(nint handle, out Instance instance) => Instances.TryRemove(handle, out instance!);
}

/// <summary>One aisp_instance: the pipeline, and the GPU compositor once the host renders through it.</summary>
internal sealed class Instance : IDisposable
{
    public Instance(FacePipeline pipeline)
    {
        Pipeline = pipeline;
        Monitor = new FilterMonitor(() => Pipeline, pipeline.Reload, engine => pipeline.Update($$"""{"engine":"{{engine}}"}"""));
        Monitor.Starting("instance created");
        Monitor.Started();
    }

    public FacePipeline Pipeline { get; }

    /// <summary>State, alerts, events and recovery, driven by aisp_next_event from the host's control thread.</summary>
    public FilterMonitor Monitor { get; }

    /// <summary>Created on the first aisp_render (graphics thread), used only there and in Dispose.</summary>
    public GpuCompositor? Gpu { get; set; }

    /// <summary>Why the GPU compositor could not be made, once it could not; it is not tried again.</summary>
    public string? GpuFailure { get; set; }

    public void Dispose()
    {
        Pipeline.Dispose();
        Gpu?.Dispose();
    }
}
