using System.Diagnostics;

namespace Aisp.Core.Pipeline;

/// <summary>Counters and identities read together, without the per-stage latencies.</summary>
public readonly record struct StatsCounters(
    ulong FramesProcessed,
    ulong FramesFailed,
    ulong Errors,
    ulong FramesDropped,
    ulong FramesAnalysed,
    int FacesLastFrame,
    int FacesKnown,
    double Fps,
    double ResultAgeMs,
    QualityLevel Quality,
    double BudgetShare,
    ErrorKind LastErrorKind,
    string LastError,
    string Engine,
    string Detector,
    string ExecutionProvider,
    string Notice,
    string Compositor,
    int FacesCovered = 0,
    int FacesOverBudget = 0,
    double AnalysisShare = 0);

/// <summary>
/// Everything the pipeline reports. Written without locks (each stage window by the one thread
/// that runs the stage, counters with interlocked adds, texts as whole references) and read by
/// whoever shows it (OBS properties, the ABI, the CLI), so neither side ever waits on the other.
/// </summary>
public sealed class PipelineStats
{
    private readonly LatencyWindow[] _stages = [new(), new(), new(), new(), new(), new(), new()];
    private readonly long[] _frameTimes = new long[LatencyWindow.Capacity];
    private readonly long[] _analysisEnds = new long[LatencyWindow.Capacity], _analysisTicks = new long[LatencyWindow.Capacity];
    private long _processed, _failed, _errors, _dropped, _analysed;
    private int _faces, _known, _quality, _lastErrorKind, _covered, _overBudget;
    private double _resultAge, _budgetShare;
    private string _lastError = "", _engine = "", _detector = "", _provider = "", _notice = "", _compositor = "cpu";

    public static int StageCount => 7;

    public void RecordStage(Stage stage, double ms) => _stages[(int)stage].Add(ms);

    /// <summary>Records an analysis that took <paramref name="ms"/> (for the analysis thread's share of a core).</summary>
    public void RecordAnalysed(double ms = 0)
    {
        long n = Interlocked.Increment(ref _analysed);
        int slot = (int)((n - 1) % _analysisEnds.Length);
        Volatile.Write(ref _analysisTicks[slot], (long)(ms * Stopwatch.Frequency / 1000));
        Volatile.Write(ref _analysisEnds[slot], Stopwatch.GetTimestamp());
    }

    /// <summary>Records a frame the caller got back; <paramref name="notice"/> is the engine's word on why it did nothing (null when it worked).</summary>
    public void RecordFrame(int faces, int known, double resultAgeMs, string? notice, QualityLevel quality, double budgetShare, int covered = 0, int overBudget = 0)
    {
        Volatile.Write(ref _covered, covered);
        Volatile.Write(ref _overBudget, overBudget);
        Volatile.Write(ref _known, known);
        long n = Interlocked.Increment(ref _processed);
        _frameTimes[(int)((n - 1) % _frameTimes.Length)] = Stopwatch.GetTimestamp();
        Volatile.Write(ref _faces, faces);
        Volatile.Write(ref _resultAge, resultAgeMs);
        Volatile.Write(ref _quality, (int)quality);
        Volatile.Write(ref _budgetShare, budgetShare);
        Volatile.Write(ref _notice, notice ?? "");
    }

    public void RecordDropped() => Interlocked.Increment(ref _dropped);

    public void RecordError(ErrorKind kind, string message, bool frameFailed)
    {
        Interlocked.Increment(ref _errors);
        if (frameFailed)
        {
            Interlocked.Increment(ref _failed);
        }

        Volatile.Write(ref _lastError, message);
        Volatile.Write(ref _lastErrorKind, (int)kind);
    }

    public void ClearLastError()
    {
        Volatile.Write(ref _lastErrorKind, 0);
        Volatile.Write(ref _lastError, "");
    }

    /// <summary>Clears the last error only if it is still <paramref name="message"/> (a condition that has ended).</summary>
    public void ClearLastError(string message)
    {
        if (ReferenceEquals(Volatile.Read(ref _lastError), message))
        {
            ClearLastError();
        }
    }

    public void SetIdentity(string engine, string detector, string provider)
    {
        Volatile.Write(ref _engine, engine);
        Volatile.Write(ref _detector, detector);
        Volatile.Write(ref _provider, provider);
    }

    /// <summary>The compositor in effect ("gpu", "cpu", "auto: ..."); a constant string per state, so this never allocates.</summary>
    public void SetCompositor(string compositor) => Volatile.Write(ref _compositor, compositor);

    public StatsCounters Read(Span<StageLatency> stages)
    {
        for (int i = 0; i < Math.Min(stages.Length, _stages.Length); i++)
        {
            stages[i] = _stages[i].Read();
        }

        return new StatsCounters((ulong)Volatile.Read(ref _processed), (ulong)Volatile.Read(ref _failed), (ulong)Volatile.Read(ref _errors),
            (ulong)Volatile.Read(ref _dropped), (ulong)Volatile.Read(ref _analysed), Volatile.Read(ref _faces), Volatile.Read(ref _known), Fps(),
            Volatile.Read(ref _resultAge), (QualityLevel)Volatile.Read(ref _quality), Volatile.Read(ref _budgetShare),
            (ErrorKind)Volatile.Read(ref _lastErrorKind), Volatile.Read(ref _lastError), Volatile.Read(ref _engine),
            Volatile.Read(ref _detector), Volatile.Read(ref _provider), Volatile.Read(ref _notice), Volatile.Read(ref _compositor),
            Volatile.Read(ref _covered), Volatile.Read(ref _overBudget), AnalysisShare());
    }

    /// <summary>
    /// The share of one core analysis took over the last two seconds: its busy time over the wall
    /// time (what OBS's other threads do not get), 0 when nothing was analysed lately.
    /// </summary>
    private double AnalysisShare()
    {
        long analysed = Volatile.Read(ref _analysed), now = Stopwatch.GetTimestamp(), window = 2 * Stopwatch.Frequency, busy = 0;
        int n = (int)Math.Min(analysed, _analysisEnds.Length);
        for (int i = 1; i <= n; i++)
        {
            int slot = (int)((analysed - i) % _analysisEnds.Length);
            long end = Volatile.Read(ref _analysisEnds[slot]);
            if (now - end > window)
            {
                break;
            }

            busy += Math.Min(Volatile.Read(ref _analysisTicks[slot]), window - (now - end)); // the part inside the window
        }

        return Math.Clamp((double)busy / window, 0, 1);
    }

    /// <summary>Frames per second over the frames in the window that are at most two seconds old.</summary>
    private double Fps()
    {
        long processed = Volatile.Read(ref _processed);
        int n = (int)Math.Min(processed, _frameTimes.Length);
        if (n < 2)
        {
            return 0;
        }

        long now = Stopwatch.GetTimestamp();
        long newest = _frameTimes[(int)((processed - 1) % _frameTimes.Length)];
        long oldest = newest;
        int counted = 1;
        for (int i = 2; i <= n; i++)
        {
            long t = _frameTimes[(int)((processed - i) % _frameTimes.Length)];
            if (now - t > 2 * Stopwatch.Frequency || t > newest)
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
