using System.Diagnostics;
using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Frames;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Pipeline;

/// <summary>
/// Fail-closed privacy. When the engine in use fails closed and no fresh analysis result with faces
/// serves a frame (none yet, analysis stalled, paused, or over <see cref="MaxResultAgeMs"/> and two
/// frames behind), the frame is covered whole instead of a face being shown; a frame whose
/// processing failed is covered whole too. Also the stall watchdog for every engine: an analysis
/// busy for over <see cref="StallMs"/> is an error in the status until it ends.
/// </summary>
public sealed class FailClosedGuard(PipelineStats stats, ILogger log)
{
    /// <summary>An engine that fails closed covers the frame once analysis is this far behind (and two or more frames behind).</summary>
    public const double MaxResultAgeMs = 250;

    /// <summary>Analysis busy on one frame this long is a stall: an error in the status, and privacy covers the frame.</summary>
    public const double StallMs = 1000;

    public const string CoverStarting = "privacy covers the whole frame: no analysis result yet";
    public const string CoverBehind = "privacy covers the whole frame: analysis is over 250 ms behind";
    public const string CoverStalled = "privacy covers the whole frame: analysis stalled";
    public const string CoverPaused = "privacy covers the whole frame: paused";
    public const string CoverFailed = "privacy covered the whole frame: its analysis failed";
    public const string StallError = "analysis stalled: no result for over 1 s";

    private bool _stallReported;
    private long _coveredOnFailure;

    /// <summary>Frames covered whole because their processing failed.</summary>
    internal long FramesCoveredOnFailure => Interlocked.Read(ref _coveredOnFailure);

    /// <summary>
    /// Why this frame must be covered whole, or null when the result serves it (always null for an
    /// engine that does not fail closed). <paramref name="busySince"/>: Stopwatch ticks since when
    /// analysis works on one frame (0 when idle); <paramref name="handedOff"/>: frames handed to analysis so far.
    /// </summary>
    internal string? CoverNotice(IFrameEngine engine, bool paused, long busySince, AnalysisResult result, long handedOff)
    {
        long now = Stopwatch.GetTimestamp();
        bool stalled = busySince != 0 && Ms(now - busySince) > StallMs;
        if (stalled != _stallReported)
        {
            _stallReported = stalled;
            if (stalled)
            {
                stats.RecordError(ErrorKind.Inference, StallError, frameFailed: false);
                log.LogError("Analysis has produced nothing for over {Ms} ms: stalled", StallMs);
            }
            else
            {
                stats.ClearLastError(StallError);
                log.LogInformation("Analysis recovered from a stall");
            }
        }

        return !engine.FailsClosed ? null
            : paused ? CoverPaused
            : stalled ? CoverStalled
            : (result.Provides & EngineNeeds.Faces) == 0 ? CoverStarting
            : handedOff - result.Sequence >= 2 && Ms(now - result.PublishedTicks) > MaxResultAgeMs ? CoverBehind
            : null;
    }

    /// <summary>
    /// A frame whose analysis (or engine) failed: an engine that fails closed covers it whole, which
    /// needs no model to pixelate or blur a rectangle; true when it did. Other engines leave it untouched.
    /// </summary>
    internal bool CoverWholeOnFailure(in Frame frame, IFrameEngine engine, Engines.PreparedCrops crops)
    {
        if (!engine.FailsClosed)
        {
            return false;
        }

        try
        {
            Span<Face> whole = [new Face { Box = new BoxF(0, 0, frame.Width, frame.Height), Score = 1 }];
            engine.Apply(frame, whole, null, crops);
            Interlocked.Increment(ref _coveredOnFailure);
            return true;
        }
        catch (Exception e) when (e is AispException or InvalidOperationException or ArgumentException)
        {
            log.LogError("A failed frame could not be covered either: {Message}", e.Message);
            return false;
        }
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
