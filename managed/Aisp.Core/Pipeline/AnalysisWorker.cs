using Aisp.Core.Frames;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Pipeline;

/// <summary>
/// The pipeline's analysis thread. The caller hands over a copy of each frame through a triple
/// buffer and never waits; the worker always analyses the newest copy, and a copy replaced before
/// the worker took it is counted as dropped. Runs below normal priority so OBS's own threads win.
/// </summary>
internal sealed class AnalysisWorker : IDisposable
{
    private readonly TripleBuffer<FrameCopy> _frames = new(new(), new(), new());
    private readonly AutoResetEvent _wake = new(false);
    private readonly Thread _thread;
    private readonly AnalyseFrame _analyse;
    private readonly PipelineStats _stats;
    private readonly ILogger _log;
    private volatile bool _stopping;
    private long _allocatedBytes;

    public delegate void AnalyseFrame(in Frame frame, float scale);

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

    /// <summary>Copies the frame for analysis (newest wins; decimated when wide, see <see cref="FrameCopy"/>) and returns at once. <paramref name="scale"/>: output pixels per frame pixel (a downscaled picture).</summary>
    public void Submit(in Frame frame, float scale = 1, bool whole = false)
    {
        _frames.Producer.CopyFrom(frame, scale, whole);
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

            try
            {
                _analyse(_frames.Consumer.View, _frames.Consumer.Scale);
            }
#pragma warning disable CA1031 // the worker must survive any analysis failure; it is recorded and the next frame tried
            catch (Exception e)
            {
                ErrorKind kind = e is AispException ae ? ae.Kind : ErrorKind.Internal;
                _stats.RecordError(kind, "analysis failed: " + e.Message, frameFailed: false);
                _log.LogError("Analysis failed: {Message}", e.Message);
            }
#pragma warning restore CA1031

            Volatile.Write(ref _allocatedBytes, GC.GetAllocatedBytesForCurrentThread());
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _wake.Set();
        _thread.Join();
        _wake.Dispose();
    }
}
