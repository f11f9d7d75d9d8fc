using System.Collections.Concurrent;
using Aisp.Core;
using OpenCvSharp;
using CvMat = OpenCvSharp.Mat;

namespace Aisp.Cli;

/// <summary>
/// Decodes a video ahead and encodes the results behind, each on its own thread, so the caller's
/// thread only runs the pipeline. Frames travel in a small pool of reused Mats; order is kept.
/// </summary>
public sealed class VideoStages : IDisposable
{
    private const int PoolSize = 4;

    private readonly BlockingCollection<CvMat> _free = new(PoolSize);
    private readonly BlockingCollection<CvMat> _decoded = new(PoolSize);
    private readonly BlockingCollection<CvMat> _encode = new(PoolSize);
    private readonly CancellationTokenSource _stop = new();
    private readonly VideoCapture _capture;
    private readonly string _output;
    private readonly int _maxFrames;
    private readonly Task _reader;
    private readonly Task _writer;

    public VideoStages(VideoCapture capture, string output, int maxFrames)
    {
        _capture = capture;
        _output = output;
        _maxFrames = maxFrames;
        Fps = capture.Fps > 0 ? capture.Fps : 30;
        for (int i = 0; i < PoolSize; i++)
        {
            _free.Add(new CvMat());
        }

        _reader = Task.Factory.StartNew(Read, TaskCreationOptions.LongRunning);
        _writer = Task.Factory.StartNew(Write, TaskCreationOptions.LongRunning);
    }

    public double Fps { get; }

    /// <summary>The next decoded frame, or null at the end of the input.</summary>
    public CvMat? Next()
    {
        foreach (CvMat frame in _decoded.GetConsumingEnumerable())
        {
            return frame;
        }

        _reader.GetAwaiter().GetResult(); // surfaces a decoding failure
        return null;
    }

    /// <summary>Hands a processed frame to the encoder (it goes back to the pool once written).</summary>
    public void Emit(CvMat frame)
    {
        // A writer that failed takes nothing more: never block on it, report what it hit.
        while (!_encode.TryAdd(frame, 50))
        {
            if (_writer.IsCompleted)
            {
                _writer.GetAwaiter().GetResult();
            }
        }

        if (_writer.IsFaulted)
        {
            _writer.GetAwaiter().GetResult();
        }
    }

    /// <summary>Waits until every emitted frame is written; throws what the encoder hit.</summary>
    public void Finish()
    {
        _encode.CompleteAdding();
        _writer.GetAwaiter().GetResult();
    }

    private void Read()
    {
        try
        {
            for (int n = 0; n < _maxFrames; n++)
            {
                CvMat frame = _free.Take(_stop.Token);
                if (!_capture.Read(frame) || frame.Empty())
                {
                    _free.Add(frame);
                    break;
                }

                _decoded.Add(frame, _stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Dispose before the end of the input: stop reading.
        }
        finally
        {
            _decoded.CompleteAdding();
        }
    }

    private void Write()
    {
        using var writer = new VideoWriter();
        foreach (CvMat frame in _encode.GetConsumingEnumerable())
        {
            Size even = new(frame.Width & ~1, frame.Height & ~1);
            if (!writer.IsOpened())
            {
                FourCC codec = Path.GetExtension(_output).Equals(".avi", StringComparison.OrdinalIgnoreCase) ? FourCC.MJPG : FourCC.MP4V;
                if (!writer.Open(_output, codec, Fps, even))
                {
                    _free.Add(frame);
                    throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.OutputPrefix} {_output}: no video writer for this path (use .avi or .mp4)");
                }
            }

            if (frame.Width == even.Width && frame.Height == even.Height)
            {
                writer.Write(frame);
            }
            else
            {
                using CvMat cropped = frame[new Rect(0, 0, even.Width, even.Height)];
                writer.Write(cropped);
            }

            _free.Add(frame);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _encode.CompleteAdding();
        while (_decoded.TryTake(out CvMat? pending))
        {
            pending.Dispose();
        }

        try
        {
            Task.WaitAll([_reader, _writer]);
        }
        catch (AggregateException)
        {
            // already reported by Next, Emit or Finish
        }

        while (_free.TryTake(out CvMat? m))
        {
            m.Dispose();
        }

        _free.Dispose();
        _decoded.Dispose();
        _encode.Dispose();
        _stop.Dispose();
    }
}
