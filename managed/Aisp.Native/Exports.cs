using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Aisp.Core;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using Aisp.Core.Settings;
using Aisp.Native.Gpu;
using Aisp.Native.Interop;
using Microsoft.Extensions.Logging;

namespace Aisp.Native;

/// <summary>
/// The C entry points of interop/aisp.h. Each one is a guard: argument checks, one call into the
/// core, and a catch-all that turns any exception into a status code plus a message, because an
/// exception crossing into OBS would take the whole program down.
/// </summary>
#pragma warning disable CA1031 // catching everything is this layer's whole job
public static unsafe class Exports
{
    private static readonly ILogger Log = NativeLog.Factory.CreateLogger("Aisp.Native");

    [UnmanagedCallersOnly(EntryPoint = "aisp_abi_version")]
    public static uint AbiVersion() => AbiConstants.AbiVersion;

    [UnmanagedCallersOnly(EntryPoint = "aisp_last_error")]
    public static uint GetLastError(byte* buffer, uint capacity)
    {
        try
        {
            return Utf8Buffer.Write(LastError.Message, buffer, capacity);
        }
        catch (Exception)
        {
            return 0;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "aisp_set_log_callback")]
    public static int SetLogCallback(delegate* unmanaged<nint, int, byte*, void> callback, nint userData, int minLevel)
    {
        try
        {
            if (minLevel < (int)AispLogLevel.Trace || minLevel > (int)AispLogLevel.Critical)
            {
                return Fail(ErrorKind.InvalidArgument, $"log level {minLevel} is outside {(int)AispLogLevel.Trace}..{(int)AispLogLevel.Critical}");
            }

            NativeLog.SetCallback(callback, userData, minLevel);
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "aisp_create")]
    public static int Create(byte* settingsJson, nint* outInstance)
    {
        try
        {
            if (outInstance == null)
            {
                return Fail(ErrorKind.InvalidArgument, "out_instance is null");
            }

            *outInstance = 0;
            FacePipeline pipeline = FacePipeline.Create(Utf8(settingsJson), NativeLog.Factory);
            *outInstance = InstanceTable.Add(pipeline);
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "aisp_update")]
    public static int Update(nint instance, byte* settingsJson) => OnInstance(instance, (nint)settingsJson, static (target, json) =>
    {
        target.Pipeline.Update(Utf8((byte*)json));
        return Ok();
    });

    [UnmanagedCallersOnly(EntryPoint = "aisp_process_frame")]
    public static int ProcessFrame(nint instance, AispFrame* frame) => OnInstance(instance, (nint)frame, static (target, frame) =>
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        Frame view;
        try
        {
            view = Describe((AispFrame*)frame);
        }
        catch (AispException e)
        {
            target.Pipeline.Stats.RecordError(e.Kind, e.Message, frameFailed: true);
            throw;
        }

        target.Pipeline.Process(view, System.Diagnostics.Stopwatch.GetTimestamp() - start);
        return Ok();
    });

    [UnmanagedCallersOnly(EntryPoint = "aisp_render")]
    public static int Render(nint instance, AispGpuFrame* frame) => OnInstance(instance, (nint)frame, static (target, frame) =>
    {
        // struct_size first: a shorter (older) struct ends before the fields read below.
        AispGpuFrame* f = (AispGpuFrame*)frame;
        if (f == null)
        {
            return Fail(ErrorKind.InvalidFrame, "invalid GPU frame: frame is null");
        }

        if (f->StructSize < (uint)sizeof(AispGpuFrame))
        {
            return TooShort("aisp_gpu_frame", f->StructSize, sizeof(AispGpuFrame));
        }

        if (f->Source == 0 || f->Width == 0 || f->Height == 0 || f->Width > FrameValidator.MaxDimension || f->Height > FrameValidator.MaxDimension)
        {
            return Fail(ErrorKind.InvalidFrame, $"invalid GPU frame: source 0x{f->Source:x}, {f->Width}x{f->Height} (sizes 1..{FrameValidator.MaxDimension})");
        }

        if (target.GpuFailure is not null)
        {
            return Fail(ErrorKind.Graphics, target.GpuFailure);
        }

        if (target.Gpu is null)
        {
            try
            {
                target.Gpu = GpuCompositor.Create();
            }
            catch (GraphicsException e)
            {
                // Not tried again: frames are painted on the CPU from now on (async sources; a
                // synchronous one shows unfiltered, as nothing can read it back without the GPU).
                target.GpuFailure = e.Message;
                target.Pipeline.DisableGpuCompositor();
                target.Pipeline.Stats.RecordError(ErrorKind.Graphics, e.Message, frameFailed: true);
                Log.LogError("GPU compositor unavailable, painting on the CPU: {Message}", e.Message);
                return Fail(ErrorKind.Graphics, e.Message);
            }
        }

        var source = new FilterTarget(f->Source, (f->Flags & (uint)AispRenderFlags.DefaultEffect) != 0);
        bool drawn = target.Gpu.Render(target.Pipeline, source, f->Width, f->Height,
            (long)Math.Min(f->TimestampNs, long.MaxValue), (f->Flags & (uint)AispRenderFlags.Analyse) != 0);
        return drawn ? Ok() : Fail(ErrorKind.Graphics, "the frame could not be drawn (a GPU object could not be made or mapped)");
    });

    [UnmanagedCallersOnly(EntryPoint = "aisp_set_source_image")]
    public static int SetSourceImage(nint instance, AispFrame* image, byte* label) => OnInstance(instance, ((nint)image, (nint)label), static (target, a) =>
    {
        Frame view = Describe((AispFrame*)a.Item1);
        target.Pipeline.SetSourceImage(view, Utf8((byte*)a.Item2) ?? "(unnamed)");
        return Ok();
    });

    [UnmanagedCallersOnly(EntryPoint = "aisp_set_background_image")]
    public static int SetBackgroundImage(nint instance, AispFrame* image, byte* label) => OnInstance(instance, ((nint)image, (nint)label), static (target, a) =>
    {
        string name = Utf8((byte*)a.Item2) ?? "(unnamed)";
        if (a.Item1 == 0)
        {
            target.Pipeline.SetBackgroundImage(null, name);
        }
        else
        {
            Frame view = Describe((AispFrame*)a.Item1);
            target.Pipeline.SetBackgroundImage(view, name);
        }

        return Ok();
    });

    [UnmanagedCallersOnly(EntryPoint = "aisp_validate_settings")]
    public static int ValidateSettings(byte* settingsJson)
    {
        try
        {
            SettingsParser.ParseStrict(Utf8(settingsJson), new PipelineSettings());
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "aisp_check_remote_settings")]
    public static int CheckRemoteSettings(byte* changeJson, byte* currentJson)
    {
        try
        {
            PipelineSettings before;
            try
            {
                before = SettingsParser.Parse(Utf8(currentJson), new PipelineSettings(), []); // the host's own keys beside ours are fine here
            }
            catch (AispException)
            {
                before = new PipelineSettings(); // nothing in effect can be trusted: every path in the change is checked
            }

            PipelineSettings after = SettingsParser.Parse(Utf8(changeJson), before, []);
            return SettingPaths.Refusal(before, after, SettingPaths.RemoteRoots()) is { } refusal ? Fail(ErrorKind.InvalidSettings, $"invalid settings: {refusal}") : Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "aisp_set_identity_source")]
    public static int SetIdentitySource(nint instance, byte* identity, AispFrame* image, byte* label) =>
        OnInstance(instance, ((nint)identity, (nint)image, (nint)label), static (target, a) =>
        {
            string name = Utf8((byte*)a.Item1) is { Length: > 0 } n ? n : throw new AispException(ErrorKind.InvalidArgument, "identity is null or empty");
            if (a.Item2 == 0)
            {
                target.Pipeline.ClearIdentitySource(name);
                return Ok();
            }

            Frame view = Describe((AispFrame*)a.Item2);
            target.Pipeline.SetIdentitySource(name, view, Utf8((byte*)a.Item3) ?? "(unnamed)");
            return Ok();
        });

    [UnmanagedCallersOnly(EntryPoint = "aisp_next_event")]
    public static uint NextEvent(nint instance, byte* buffer, uint capacity)
    {
        try
        {
            if (!InstanceTable.TryGet(instance, out Instance target))
            {
                return 0;
            }

            target.Monitor.Tick(System.Diagnostics.Stopwatch.GetTimestamp() / (double)System.Diagnostics.Stopwatch.Frequency);
            if (!target.Monitor.TryTake(out Aisp.Core.Control.ControlEvent ev))
            {
                return 0;
            }

            string json = ev.ToJson();
            return Utf8Buffer.Write(json, buffer, capacity);
        }
        catch (Exception e)
        {
            Fail(e);
            return 0;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "aisp_suggest")]
    public static uint Suggest(byte* instruction, byte* statusJson, byte* buffer, uint capacity)
    {
        try
        {
            string json = Aisp.Core.Assistant.HostSuggestion.Plan(Utf8(instruction) ?? "", Utf8(statusJson));
            Ok();
            return Utf8Buffer.Write(json, buffer, capacity);
        }
        catch (Exception e)
        {
            Fail(e);
            return 0;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "aisp_status_json")]
    public static uint StatusJsonOf(nint instance, byte* buffer, uint capacity)
    {
        try
        {
            // NULL: the status of a filter with no instance yet (all zero), so a host shows one shape always.
            Instance? target = null;
            if (instance != 0 && !InstanceTable.TryGet(instance, out target))
            {
                BadHandle(instance);
                return 0;
            }

            string json = StatusJson.Write(target?.Pipeline.Stats, target?.Monitor);
            Ok();
            return Utf8Buffer.Write(json, buffer, capacity);
        }
        catch (Exception e)
        {
            Fail(e);
            return 0;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "aisp_identity_mappings")]
    public static uint IdentityMappings(byte* text, byte* buffer, uint capacity)
    {
        try
        {
            var map = new System.Text.Json.Nodes.JsonObject();
            foreach ((string name, string path) in SettingsParser.IdentityMappings(Utf8(text) ?? ""))
            {
                map[name] = path;
            }

            Ok();
            return Utf8Buffer.Write(map.ToJsonString(), buffer, capacity);
        }
        catch (Exception e)
        {
            Fail(e);
            return 0;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "aisp_settings_schema")]
    public static uint SettingsSchemaJson(byte* buffer, uint capacity)
    {
        try
        {
            string json = SettingsSchema.ToJson().ToJsonString();
            Ok();
            return Utf8Buffer.Write(json, buffer, capacity);
        }
        catch (Exception e)
        {
            Fail(e);
            return 0;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "aisp_set_paused")]
    public static int SetPaused(nint instance, int paused) => OnInstance(instance, paused != 0, static (target, pause) =>
    {
        target.Monitor.SetPaused(pause);
        target.Pipeline.Paused = pause; // privacy covers the whole frame while paused
        return Ok();
    });

    [UnmanagedCallersOnly(EntryPoint = "aisp_get_stats")]
    public static int GetStats(nint instance, AispStats* stats) => OnInstance(instance, (nint)stats, static (target, s) =>
    {
        AispStats* stats = (AispStats*)s;
        if (stats == null)
        {
            return Fail(ErrorKind.InvalidArgument, "stats is null");
        }

        if (stats->StructSize < (uint)sizeof(AispStats))
        {
            return TooShort("aisp_stats", stats->StructSize, sizeof(AispStats));
        }

        StatsWriter.Fill(target.Pipeline.Stats, target.Monitor, stats);
        return Ok();
    });

    [UnmanagedCallersOnly(EntryPoint = "aisp_destroy")]
    public static void Destroy(nint instance)
    {
        try
        {
            if (instance != 0 && InstanceTable.TryRemove(instance, out Instance removed))
            {
                removed.Monitor.Completed();
                removed.Dispose();
            }
        }
        catch (Exception e)
        {
            Log.LogError("Destroying instance {Handle} failed: {Message}", instance, e.Message);
        }
    }

    private static Frame Describe(AispFrame* f)
    {
        if (f == null)
        {
            throw new AispException(ErrorKind.InvalidFrame, "invalid frame: frame is null");
        }

        if (f->StructSize < (uint)sizeof(AispFrame))
        {
            throw new AispException(ErrorKind.AbiMismatch, $"aisp_frame.struct_size is {f->StructSize}; this core needs {sizeof(AispFrame)} (ABI {AbiConstants.AbiVersion})");
        }

        ReadOnlySpan<nint> planes = [(nint)f->Plane0, (nint)f->Plane1, (nint)f->Plane2, (nint)f->Plane3];
        ReadOnlySpan<long> strides = [f->Stride0, f->Stride1, f->Stride2, f->Stride3];
        return FrameValidator.Validate((PixelFormat)f->Format, f->Width, f->Height, planes, strides,
            (long)Math.Min(f->TimestampNs, long.MaxValue), (ColorMatrix)f->ColorMatrix, (ColorRange)f->ColorRange);
    }

    private static string? Utf8(byte* text) => text == null ? null : Marshal.PtrToStringUTF8((nint)text);

    private static int Ok()
    {
        LastError.Clear();
        return (int)AispStatus.Ok;
    }

    /// <summary>
    /// The one guard of the calls on an instance: a handle that names none is an error (handles are
    /// counters, so a stale one is caught, never followed), and any exception becomes a status and a
    /// message. The call is a static lambda given its arguments as <paramref name="args"/>, so the
    /// frame path allocates nothing.
    /// </summary>
    private static int OnInstance<TArgs>(nint handle, TArgs args, Func<Instance, TArgs, int> call, [CallerMemberName] string entry = "")
    {
        try
        {
            return InstanceTable.TryGet(handle, out Instance target) ? call(target, args) : BadHandle(handle);
        }
        catch (Exception e)
        {
            return Fail(e, entry);
        }
    }

    /// <summary>A struct shorter than this core's (an older header): refused before any field past struct_size is read.</summary>
    private static int TooShort(string name, uint size, int needed) =>
        Fail(ErrorKind.AbiMismatch, $"{name}.struct_size is {size}; this core needs {needed} (ABI {AbiConstants.AbiVersion})");

    private static int BadHandle(nint instance) =>
        Fail(ErrorKind.InvalidArgument, instance == 0 ? "instance is null" : $"instance 0x{instance:x} is not a live AISP instance (destroyed or never created)");

    private static int Fail(ErrorKind kind, string message) => (int)LastError.Set(kind, message);

    private static int Fail(Exception e, [CallerMemberName] string entry = "")
    {
        if (e is AispException ae)
        {
            return Fail(ae.Kind, ae.Message);
        }

        if (e is ObjectDisposedException)
        {
            return Fail(ErrorKind.InvalidArgument, "the instance was destroyed while in use");
        }

        Log.LogError("Unexpected {Type} in {Entry}: {Message}", e.GetType().Name, entry, e.Message);
        return Fail(ErrorKind.Internal, $"internal error in {entry}: {e.GetType().Name}: {e.Message}");
    }
}
