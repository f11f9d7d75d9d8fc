using System.Diagnostics;

namespace Aisp.Core.Pipeline;

/// <summary>Counters and identities read together, without the per-stage latencies.</summary>
public readonly record struct StatsCounters(
    ulong FramesProcessed,
    ulong FramesFailed,
    ulong Errors,
    ulong FramesDropped,
    int FacesLastFrame,
    double Fps,
    ErrorKind LastErrorKind,
    string LastError,
    string Engine,
    string Detector,
    string ExecutionProvider,
    string Notice);

/// <summary>
/// Everything the pipeline reports, written by the processing thread and read by whoever shows it
/// (OBS properties, the ABI, the CLI). A short lock guards it; neither side ever waits long.
/// </summary>
public sealed class PipelineStats
{
    private readonly Lock _gate = new();
    private readonly LatencyWindow[] _stages = [new(), new(), new(), new(), new(), new()];
    private readonly long[] _frameTimes = new long[LatencyWindow.Capacity];
    private ulong _processed, _failed, _errors, _dropped;
    private int _faces;
    private ErrorKind _lastErrorKind;
    private string _lastError = "";
    private string _engine = "", _detector = "", _provider = "", _notice = "";

    public static int StageCount => 6;

    /// <summary>Records a processed frame; <paramref name="notice"/> is the engine's word on why it did nothing (null when it worked).</summary>
    public void RecordFrame(int faces, ReadOnlySpan<double> stageMs, string? notice = null)
    {
        lock (_gate)
        {
            _notice = notice ?? "";
            _frameTimes[(int)(_processed % (ulong)_frameTimes.Length)] = Stopwatch.GetTimestamp();
            _processed++;
            _faces = faces;
            for (int i = 0; i < stageMs.Length; i++)
            {
                _stages[i].Add(stageMs[i]);
            }
        }
    }

    public void RecordDropped()
    {
        lock (_gate)
        {
            _dropped++;
        }
    }

    public void RecordError(ErrorKind kind, string message, bool frameFailed)
    {
        lock (_gate)
        {
            _errors++;
            if (frameFailed)
            {
                _failed++;
            }

            _lastErrorKind = kind;
            _lastError = message;
        }
    }

    public void ClearLastError()
    {
        lock (_gate)
        {
            _lastErrorKind = ErrorKind.None;
            _lastError = "";
        }
    }

    public void SetIdentity(string engine, string detector, string provider)
    {
        lock (_gate)
        {
            (_engine, _detector, _provider) = (engine, detector, provider);
        }
    }

    public StatsCounters Read(Span<StageLatency> stages)
    {
        lock (_gate)
        {
            for (int i = 0; i < Math.Min(stages.Length, _stages.Length); i++)
            {
                stages[i] = _stages[i].Read();
            }

            return new StatsCounters(_processed, _failed, _errors, _dropped, _faces, Fps(),
                _lastErrorKind, _lastError, _engine, _detector, _provider, _notice);
        }
    }

    /// <summary>Frames per second over the frames in the window that are at most two seconds old.</summary>
    private double Fps()
    {
        int n = (int)Math.Min(_processed, (ulong)_frameTimes.Length);
        if (n < 2)
        {
            return 0;
        }

        long now = Stopwatch.GetTimestamp();
        long newest = _frameTimes[(int)((_processed - 1) % (ulong)_frameTimes.Length)];
        long oldest = newest;
        int counted = 1;
        for (int i = 2; i <= n; i++)
        {
            long t = _frameTimes[(int)((_processed - (ulong)i) % (ulong)_frameTimes.Length)];
            if (now - t > 2 * Stopwatch.Frequency)
            {
                break;
            }

            oldest = t;
            counted++;
        }

        double seconds = (double)(newest - oldest) / Stopwatch.Frequency;
        return counted < 2 || seconds <= 0 ? 0 : (counted - 1) / seconds;
    }
}
