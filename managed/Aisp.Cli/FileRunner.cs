using System.Diagnostics;
using Aisp.Core;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using Microsoft.Extensions.Logging;
using OpenCvSharp;
using CvMat = OpenCvSharp.Mat;

namespace Aisp.Cli;

/// <summary>
/// Runs one image or video file through a <see cref="FacePipeline"/> and writes the result:
/// the same core and settings as the OBS filter, for QA and offline files.
/// </summary>
public sealed class FileRunner : IDisposable
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".ppm", ".pgm"];

    private readonly CliOptions _options;
    private readonly ILogger _log;
    private readonly FacePipeline _pipeline;
    private readonly FrameBuffers _buffers;

    public FileRunner(CliOptions options, ILoggerFactory loggers)
    {
        _options = options;
        _log = loggers.CreateLogger("Aisp.Cli");
        if (!File.Exists(options.Input))
        {
            throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.InputPrefix} {options.Input}: no such file");
        }

        string? outDir = Path.GetDirectoryName(Path.GetFullPath(options.Output));
        if (outDir is null || !Directory.Exists(outDir))
        {
            throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.OutputPrefix} {options.Output}: folder {outDir} does not exist");
        }

        _pipeline = FacePipeline.Create(options.SettingsJson, loggers);
        _buffers = new FrameBuffers(options.Format);
        string? source = options.SourceImage ?? (_pipeline.Settings.SourceImage.Length > 0 ? _pipeline.Settings.SourceImage : null);
        if (source is not null)
        {
            LoadSource(source);
        }
    }

    /// <summary>Decodes the source face picture and hands it to the pipeline (the core decodes no files).</summary>
    private void LoadSource(string path)
    {
        using CvMat bgr = File.Exists(path) ? Cv2.ImRead(path, ImreadModes.Color) : new CvMat();
        if (bgr.Empty())
        {
            throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.InputPrefix} {path}: the source face image is missing or not a readable image");
        }

        using var buffers = new FrameBuffers(Aisp.Core.Frames.PixelFormat.Bgra);
        buffers.Load(bgr);
        _pipeline.SetSourceImage(buffers.AsFrame(), path);
    }

    public PipelineStats Stats => _pipeline.Stats;

    public static bool IsImage(string path) => ImageExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>Processes the whole input; returns the number of frames read.</summary>
    public int Run() => IsImage(_options.Input) ? RunImage() : RunVideo();

    public void Dispose()
    {
        _pipeline.Dispose();
        _buffers.Dispose();
    }

    private int RunImage()
    {
        using CvMat bgr = Cv2.ImRead(_options.Input, ImreadModes.Color);
        if (bgr.Empty())
        {
            throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.InputPrefix} {_options.Input}: not a readable image");
        }

        using CvMat before = bgr.Clone();
        ProcessOne(bgr, 0);
        WriteCompare(before, bgr);
        if (!IsImage(_options.Output) || !Cv2.ImWrite(_options.Output, bgr))
        {
            throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.OutputPrefix} {_options.Output}: not a writable image path (use .png or .jpg)");
        }

        return 1;
    }

    private int RunVideo()
    {
        using var capture = new VideoCapture(_options.Input);
        if (!capture.IsOpened())
        {
            throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.InputPrefix} {_options.Input}: not a readable image or video");
        }

        int total = capture.FrameCount;
        using var stages = new VideoStages(capture, _options.Input, _options.Output, _options.MaxFrames);
        int frames = 0;
        var progress = Stopwatch.StartNew();
        for (CvMat? bgr = stages.Next(); bgr is not null; bgr = stages.Next())
        {
            using CvMat? before = frames == 0 && _options.ComparePath is not null ? bgr.Clone() : null;
            ProcessOne(bgr, (long)(frames * 1e9 / stages.Fps));
            if (before is not null)
            {
                WriteCompare(before, bgr);
            }

            stages.Emit(bgr);
            frames++;
            if (progress.ElapsedMilliseconds >= 1000)
            {
                progress.Restart();
                string of = total > 0 ? $"/{Math.Min(total, _options.MaxFrames)}" : "";
                Console.Error.WriteLine($"aisp: frame {frames}{of}");
            }
        }

        stages.Finish();
        if (frames == 0)
        {
            throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.InputPrefix} {_options.Input}: no frames could be decoded");
        }

        return frames;
    }

    /// <summary>Writes before and after side by side for review, when --compare asks for it.</summary>
    private void WriteCompare(CvMat before, CvMat after)
    {
        if (_options.ComparePath is null)
        {
            return;
        }

        using var pair = new CvMat();
        using CvMat left = before.Size() == after.Size() ? before.Clone() : before.Resize(after.Size());
        Cv2.HConcat([left, after], pair);
        if (!Cv2.ImWrite(_options.ComparePath, pair))
        {
            throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.OutputPrefix} {_options.ComparePath}: not a writable image path");
        }
    }

    private void ProcessOne(CvMat bgr, long timestampNs)
    {
        _buffers.Load(bgr);
        Frame frame = _buffers.AsFrame(timestampNs);
        try
        {
            _pipeline.Process(frame);
        }
        catch (AispException e) when (e.Kind is ErrorKind.Inference or ErrorKind.InvalidFrame)
        {
            _log.LogWarning("Frame at {Timestamp} ns passed through unfiltered: {Message}", timestampNs, e.Message);
            return;
        }

        _buffers.Store(bgr);
    }
}
