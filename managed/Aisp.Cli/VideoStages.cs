using System.Collections.Concurrent;
using Aisp.Cli.Media;
using Aisp.Core;
using OpenCvSharp;
using CvMat = OpenCvSharp.Mat;

namespace Aisp.Cli;

/// <summary>
/// Decodes a video ahead and encodes the results behind, each on its own thread, so the caller's
/// thread only runs the pipeline. Frames travel in a small pool of reused Mats; order is kept.
/// Motion-JPEG goes through libjpeg-turbo both ways: the input's packets are read raw and decoded
/// with imdecode (2.3 ms at 1280x720 against 7 ms through VideoCapture's conversions), and .avi
/// outputs are encoded with imencode and laid down by <see cref="MjpegAviWriter"/> (3.3 ms
/// against 30 ms for OpenCV's MJPG writers). Other containers (mp4, mkv, mov, webm) are encoded
/// by the ffmpeg program (H.264, every browser plays it); the input's sound goes into either.
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
    private readonly string _input;
    private readonly string _displayOutput;
    private readonly int _maxFrames;
    private readonly Task _reader;
    private readonly Task _writer;

    private static readonly int[] JpegQuality = [(int)ImwriteFlags.JpegQuality, 95];

    private readonly VideoCapture? _raw;

    /// <param name="output">Where to write (a temporary name); <paramref name="displayOutput"/> is the name messages give.</param>
    public VideoStages(VideoCapture capture, string input, string output, string displayOutput, int maxFrames)
    {
        _displayOutput = displayOutput;
        _capture = capture;
        _raw = OpenRawMjpeg(capture, input);
        _output = output;
        _input = input;
        _maxFrames = maxFrames;
        Fps = capture.Fps > 0 ? capture.Fps : 30;
        for (int i = 0; i < PoolSize; i++)
        {
            _free.Add(new CvMat());
        }

        _reader = Task.Factory.StartNew(Read, TaskCreationOptions.LongRunning);
        _writer = Task.Factory.StartNew(WriteOrStop, TaskCreationOptions.LongRunning);
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
                if (!ReadOne(frame))
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

    /// <summary>The input again, read as raw packets, when it is Motion-JPEG whose first packet imdecode can read; else null.</summary>
    private static VideoCapture? OpenRawMjpeg(VideoCapture capture, string input)
    {
        if ((int)capture.Get(VideoCaptureProperties.FourCC) != FourCC.MJPG)
        {
            return null;
        }

        var raw = new VideoCapture(input);
        using var packet = new CvMat();
        if (raw.IsOpened() && raw.Set(VideoCaptureProperties.Format, -1) && raw.Read(packet) && packet.Rows == 1)
        {
            using CvMat first = Cv2.ImDecode(packet, ImreadModes.Color);
            if (!first.Empty() && raw.Set(VideoCaptureProperties.PosFrames, 0))
            {
                return raw;
            }
        }

        raw.Dispose(); // e.g. JPEGs without Huffman tables: VideoCapture decodes those
        return null;
    }

    private bool ReadOne(CvMat frame)
    {
        if (_raw is null)
        {
            return _capture.Read(frame) && !frame.Empty();
        }

        using var packet = new CvMat();
        if (!_raw.Read(packet) || packet.Empty())
        {
            return false;
        }

        using CvMat decoded = Cv2.ImDecode(packet, ImreadModes.Color);
        decoded.CopyTo(frame);
        return !frame.Empty();
    }

    /// <summary>
    /// A writer that fails (disk full, file-size limit) keeps the frames queued to it, so the reader
    /// would wait for free frames forever and the caller for decoded ones: it stops the reader, the
    /// caller's loop ends, and Finish reports the writer's error.
    /// </summary>
    private void WriteOrStop()
    {
        try
        {
            Write();
        }
        catch
        {
            _stop.Cancel();
            throw;
        }
    }

    private void Write()
    {
        if (Path.GetExtension(_output).Equals(".avi", StringComparison.OrdinalIgnoreCase))
        {
            WriteMjpeg(); // the sound follows once the pictures are checked (SoundMux)
            return;
        }

        if (!FfmpegVideoWriter.Containers.Contains(Path.GetExtension(_output).ToLowerInvariant()))
        {
            throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.OutputPrefix} {_displayOutput}: no video writer for this path (use .avi, {string.Join(", ", FfmpegVideoWriter.Containers)})");
        }

        if (MediaProbe.Ffmpeg() is { } ffmpeg)
        {
            WriteFfmpeg(ffmpeg, MediaProbe.Probe(_input));
            return;
        }

        Console.Error.WriteLine($"aisp: warning: no ffmpeg program (apt install ffmpeg, or set {MediaProbe.Variable}): {_displayOutput} is written as MPEG-4 Part 2 without sound, which browsers do not play");
        WriteOpenCv();
    }

    private void WriteFfmpeg(string ffmpeg, MediaInfo media)
    {
        FfmpegVideoWriter? writer = null;
        try
        {
            foreach (CvMat frame in _encode.GetConsumingEnumerable())
            {
                try
                {
                    writer ??= new FfmpegVideoWriter(ffmpeg, _output, _displayOutput, new Size(frame.Width & ~1, frame.Height & ~1), FfmpegVideoWriter.Rate(media, Fps), _input, media);
                    writer.Write(frame);
                }
                finally
                {
                    _free.Add(frame);
                }
            }

            writer?.Finish();
        }
        finally
        {
            writer?.Dispose();
        }
    }

    private void WriteOpenCv()
    {
        using var writer = new VideoWriter();
        foreach (CvMat frame in _encode.GetConsumingEnumerable())
        {
            Size even = new(frame.Width & ~1, frame.Height & ~1);
            if (!writer.IsOpened())
            {
                if (!writer.Open(_output, FourCC.MP4V, Fps, even))
                {
                    _free.Add(frame);
                    throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.OutputPrefix} {_displayOutput}: no video writer for this path (use .avi or .mp4)");
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

    private void WriteMjpeg()
    {
        MjpegAviWriter? avi = null;
        try
        {
            foreach (CvMat frame in _encode.GetConsumingEnumerable())
            {
                try
                {
                    avi ??= new MjpegAviWriter(_output, frame.Width, frame.Height, Fps);
                    Cv2.ImEncode(".jpg", frame, out byte[] jpeg, JpegQuality);
                    avi.WriteFrame(jpeg);
                }
                finally
                {
                    _free.Add(frame);
                }
            }

            avi?.Close(Fps);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            // Disk full (IOException), past the file-size limit (.NET raises ArgumentOutOfRange for EFBIG), permissions: the run fails with the cause, the unfinished file is removed by the caller.
            throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.OutputPrefix} {_displayOutput}: {OutputFiles.Why(e)}", e);
        }
        finally
        {
            try
            {
                avi?.Dispose();
            }
            catch (Exception e) when (e is IOException or ArgumentOutOfRangeException)
            {
                _ = e; // flushing a file that already failed: the failure above is the one reported
            }
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

        _raw?.Dispose();

        _free.Dispose();
        _decoded.Dispose();
        _encode.Dispose();
        _stop.Dispose();
    }
}
