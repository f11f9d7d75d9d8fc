using System.Diagnostics;
using Aisp.Core.Frames;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Pipeline;

/// <summary>
/// The pipeline's analysis thread. The caller hands over a copy of each frame through a triple
/// buffer and never waits; the worker always analyses the newest copy, and a copy replaced before
/// the worker took it is counted as dropped. Runs below normal priority so OBS's own threads win.
/// It says since when it has been busy on one frame, so the pipeline's watchdog can tell a stall.
/// </summary>
internal sealed class AnalysisWorker : IDisposable
{
    /// <summary>How long <see cref="Dispose"/> waits for an analysis in progress before it gives up on the thread.</summary>
    public static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(2);

    private readonly TripleBuffer<FrameCopy> _frames = new(new(), new(), new());
    private readonly AutoResetEvent _wake = new(false);
    private readonly Thread _thread;
    private readonly AnalyseFrame _analyse;
    private readonly PipelineStats _stats;
    private readonly ILogger _log;
    private volatile bool _stopping;
    private long _allocatedBytes;
    private long _busySince;
    private long _finished;                 // the sequence of the newest frame analysed (or failed)
    private readonly object _finishedGate = new(); // a monitor: WaitFor sleeps on it

    public delegate void AnalyseFrame(in Frame frame, float scale, long sequence);

    public AnalysisWorker(AnalyseFrame analyse, PipelineStats stats, ILogger log)
    {
        _analyse = analyse;
        _stats = stats;
        _log = log;
        _thread = new Thread(Run) { IsBackground = true, Name = "aisp-analysis", Priority = ThreadPriority.BelowNormal };
        _thread.Start();
    }

    /// <summary>Bytes the worker thread has allocated so far (read after each analysis), for allocation checks.</summary>
    public long AllocatedBytes => Volatile.Read(ref _allocatedBytes);

    /// <summary>Stopwatch ticks when the analysis in progress began; 0 while the worker waits for a frame.</summary>
    public long BusySince => Volatile.Read(ref _busySince);

    /// <summary>Copies the frame for analysis (newest wins; decimated when wide, see <see cref="FrameCopy"/>) and returns at once. <paramref name="scale"/>: output pixels per frame pixel (a downscaled picture).</summary>
    public void Submit(in Frame frame, long sequence, float scale = 1, bool whole = false)
    {
        FrameCopy copy = _frames.Producer;
        copy.CopyFrom(frame, scale, whole);
        copy.Sequence = sequence;
        if (_frames.Publish())
        {
            _stats.RecordDropped();
        }

        _wake.Set();
    }

    private void Run()
    {
        while (!_stopping)
        {
            _wake.WaitOne();
            if (_stopping || !_frames.TryTake())
            {
                continue;
            }

            Volatile.Write(ref _busySince, Stopwatch.GetTimestamp());
            try
            {
                _analyse(_frames.Consumer.View, _frames.Consumer.Scale, _frames.Consumer.Sequence);
            }
#pragma warning disable CA1031 // the worker must survive any analysis failure; it is recorded and the next frame tried
            catch (Exception e)
            {
                ErrorKind kind = e is AispException ae ? ae.Kind : ErrorKind.Internal;
                _stats.RecordError(kind, "analysis failed: " + e.Message, frameFailed: false);
                _log.LogError("Analysis failed: {Message}", e.Message);
            }
#pragma warning restore CA1031
            finally
            {
                Volatile.Write(ref _busySince, 0);
                lock (_finishedGate)
                {
                    _finished = _frames.Consumer.Sequence;
                    Monitor.PulseAll(_finishedGate);
                }
            }

            Volatile.Write(ref _allocatedBytes, GC.GetAllocatedBytesForCurrentThread());
        }
    }

    /// <summary>
    /// Waits until the frame <paramref name="sequence"/> (or a newer one that replaced it) has been
    /// analysed; false after <paramref name="timeout"/>. For stepping frame by frame (tests, QA),
    /// never for the host's frame thread, which must not wait.
    /// </summary>
    public bool WaitFor(long sequence, TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (_finishedGate)
        {
            while (_finished < sequence)
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0 || _stopping)
                {
                    return false;
                }

                Monitor.Wait(_finishedGate, (int)Math.Min(left, int.MaxValue));
            }

            return true;
        }
    }

    /// <summary>
    /// Stops the thread. Returns false when an analysis still runs after <see cref="JoinTimeout"/>:
    /// the host must never hang in destroy, so the thread is abandoned (it is a background thread)
    /// and the caller must not dispose what it may still use.
    /// </summary>
    public bool Stop()
    {
        _stopping = true;
        _wake.Set();
        if (!_thread.Join(JoinTimeout))
        {
            _log.LogError("The analysis thread did not stop within {Seconds} s; it is abandoned with its models", JoinTimeout.TotalSeconds);
            return false;
        }

        _wake.Dispose();
        return true;
    }

    public void Dispose() => Stop();
}
