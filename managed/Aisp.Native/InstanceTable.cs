using System.Collections.Concurrent;
using Aisp.Core.Pipeline;

namespace Aisp.Native;

/// <summary>
/// Maps the opaque aisp_instance* handles given to C to pipelines. Handles are counters, never
/// addresses, so a stale, doubled or made-up handle is an error instead of a crash.
/// </summary>
internal static class InstanceTable
{
    private static readonly ConcurrentDictionary<nint, FacePipeline> Instances = new();
    private static long s_next = 0x1000;

    public static nint Add(FacePipeline pipeline)
    {
        nint handle = (nint)Interlocked.Increment(ref s_next);
        Instances[handle] = pipeline;
        return handle;
    }

    public static bool TryGet(nint handle, out FacePipeline pipeline) => Instances.TryGetValue(handle, out pipeline!);

    public static bool TryRemove(nint handle, out FacePipeline pipeline) => Instances.TryRemove(handle, out pipeline!);
}
