using System.Diagnostics;
using Aisp.Cli.Media;
using Aisp.Core;
using Aisp.Core.Frames;
using Aisp.Core.IO;
using Aisp.Core.Pipeline;
using Aisp.Core.Settings;
using Microsoft.Extensions.Logging;
using OpenCvSharp;
using CvMat = OpenCvSharp.Mat;

namespace Aisp.Cli;

/// <summary>
/// Runs one image or video file through a <see cref="FacePipeline"/> and writes the result:
/// the same core and settings as the OBS filter, for QA and offline files. Every path is checked
/// before any work, and every file is written under a temporary name that only a successful run
/// renames (<see cref="OutputFiles"/>).
/// </summary>
public sealed class FileRunner : IDisposable
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".ppm", ".pgm"];

    private readonly CliOptions _options;
    private readonly OutputFiles _outputs;
    private readonly ILogger _log;
    private readonly FacePipeline _pipeline;
    private readonly FrameBuffers _buffers;

    public FileRunner(CliOptions options, OutputFiles outputs, ILoggerFactory loggers)
    {
        _options = options;
        _outputs = outputs;
        _log = loggers.CreateLogger("Aisp.Cli");
        CliPaths.CheckInput(options.Input);
        foreach (string? path in new[] { options.Output, options.StatsPath, options.ComparePath })
        {
            if (path is not null)
            {
                CliPaths.CheckOutput(path);
            }
        }

        if (!IsImage(options.Input) && IsImage(options.Output))
        {
            throw new AispException(ErrorKind.InvalidArgument, $"--output {options.Output} is a picture, but the input is a video: use .avi or .mp4 (a picture keeps only one frame)");
        }

        _pipeline = FacePipeline.Create(options.SettingsJson, loggers);
        _buffers = new FrameBuffers(options.Format);
        string? source = options.SourceImage ?? (_pipeline.Settings.SourceImage.Length > 0 ? _pipeline.Settings.SourceImage : null);
        if (source is not null)
        {
            LoadSource(null, source);
        }

        foreach ((string identity, string picture) in _pipeline.Settings.SwapIdentities)
        {
            LoadSource(identity, picture);
        }

        if (_pipeline.Settings.BackgroundImage is { Length: > 0 } background)
        {
            using CvMat bgr = ImageFiles.Read(background, "background picture ");
            using var buffers = new FrameBuffers(Aisp.Core.Frames.PixelFormat.Bgra);
            buffers.Load(bgr);
            _pipeline.SetBackgroundImage(buffers.AsFrame(), background);
        }
    }

    /// <summary>Decodes a source face picture (the default one, or an identity's) and hands it to the pipeline (the core decodes no files).</summary>
    private void LoadSource(string? identity, string path)
    {
        using CvMat bgr = ImageFiles.Read(path, identity is null ? "source face " : $"{identity}'s source face ");
        using var buffers = new FrameBuffers(Aisp.Core.Frames.PixelFormat.Bgra);
        buffers.Load(bgr);
        if (identity is null)
        {
            _pipeline.SetSourceImage(buffers.AsFrame(), path);
        }
        else
        {
            _pipeline.SetIdentitySource(identity, buffers.AsFrame(), path);
        }
    }

    public PipelineStats Stats => _pipeline.Stats;

    /// <summary>Frames privacy covered whole because their analysis failed.</summary>
    public long FramesCoveredOnFailure => _pipeline.FramesCoveredOnFailure;

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
        using CvMat bgr = ImageFiles.Read(_options.Input);
        using CvMat before = bgr.Clone();
        ReportProgress(0, 1);
        ProcessOne(bgr, 0);
        WriteCompare(before, bgr);

        // A transparent background keeps its alpha in a PNG (formats that carry alpha; others have none to keep).
        using CvMat? withAlpha = _pipeline.Settings.Background == BackgroundModes.Transparent && Path.GetExtension(_options.Output).Equals(".png", StringComparison.OrdinalIgnoreCase)
            ? _buffers.StoreWithAlpha()
            : null;
        ImageFiles.Write(_outputs, _options.Output, withAlpha ?? bgr);
        ReportProgress(1, 1);
        return 1;
    }

    /// <summary>The machine-readable progress line of --progress (the server's file jobs read it).</summary>
    private void ReportProgress(int done, int total)
    {
        if (_options.Progress)
        {
            Console.Error.WriteLine($"aisp: progress {done}/{total}");
        }
    }

    private int RunVideo()
    {
        using var capture = new VideoCapture(_options.Input);
        if (!capture.IsOpened())
        {
            throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.InputPrefix} {_options.Input}: not a readable image or video");
        }

        if (capture.FrameWidth > 0 && PictureHeader.Refusal(capture.FrameWidth, capture.FrameHeight) is { } tooLarge)
        {
            throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.InputPrefix} {_options.Input}: its frames are too large: {tooLarge}");
        }

        int total = capture.FrameCount > 0 ? Math.Min(capture.FrameCount, _options.MaxFrames) : 0;
        string temp = _outputs.Temp(_options.Output);
        int frames = 0;
        CvMat? firstBefore = null, firstAfter = null;
        bool compared = _options.ComparePath is null;
        try
        {
            using (var stages = new VideoStages(capture, _options.Input, temp, _options.Output, _options.MaxFrames))
            {
                var progress = Stopwatch.StartNew();
                ReportProgress(0, total);
                for (CvMat? bgr = stages.Next(); bgr is not null; bgr = stages.Next())
                {
                    using CvMat? before = compared ? null : bgr.Clone();
                    ProcessOne(bgr, (long)(frames * 1e9 / stages.Fps));
                    if (!compared)
                    {
                        // The first frame with a face shows what the filter does; a black intro would show nothing.
                        if (_pipeline.LastFaces.Length > 0)
                        {
                            WriteCompare(before!, bgr);
                            compared = true;
                        }
                        else if (firstBefore is null)
                        {
                            firstBefore = before!.Clone();
                            firstAfter = bgr.Clone();
                        }
                    }

                    stages.Emit(bgr);
                    frames++;
                    if (progress.ElapsedMilliseconds >= (_options.Progress ? 200 : 1000))
                    {
                        progress.Restart();
                        if (_options.Progress)
                        {
                            ReportProgress(frames, total);
                        }
                        else
                        {
                            Console.Error.WriteLine($"aisp: frame {frames}{(total > 0 ? $"/{total}" : "")}");
                        }
                    }
                }

                stages.Finish();
            }

            if (frames == 0)
            {
                throw new AispException(ErrorKind.InvalidArgument, $"{ExitCodes.InputPrefix} {_options.Input}: no frames could be decoded");
            }

            if (!compared && firstBefore is not null)
            {
                WriteCompare(firstBefore, firstAfter!); // no frame had a face: the first one
            }

            CheckVideoWritten(temp, frames);
            if (Path.GetExtension(temp).Equals(".avi", StringComparison.OrdinalIgnoreCase) && MediaProbe.Ffmpeg() is { } ffmpeg)
            {
                SoundMux.AddTo(ffmpeg, temp, _options.Output, _options.Input, MediaProbe.Probe(_options.Input));
            }

            ReportProgress(frames, frames);
            return frames;
        }
        finally
        {
            firstBefore?.Dispose();
            firstAfter?.Dispose();
        }
    }

    /// <summary>
    /// OpenCV's video writers report no write errors (a full disk leaves a file without its index),
    /// so the written file is opened again: it must decode with every frame.
    /// </summary>
    private void CheckVideoWritten(string temp, int frames)
    {
        using var check = new VideoCapture(temp);
        int written = check.IsOpened() ? check.FrameCount : 0;
        if (written != frames)
        {
            string free = "";
            try
            {
                free = $"; {new DriveInfo(Path.GetDirectoryName(temp)!).AvailableFreeSpace / (1 << 20)} MiB free there";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                // the free space is only a hint
            }

            throw new AispException(ErrorKind.InvalidArgument,
                $"{ExitCodes.OutputPrefix} {_options.Output}: the video encoder could not finish the file ({written} of {frames} frames readable: disk full or file too large?{free})");
        }
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
        ImageFiles.Write(_outputs, _options.ComparePath, pair);
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
            if (_pipeline.LastFailureCovered)
            {
                // Privacy fails closed: the frame was covered whole, and the run's exit code says so.
                _log.LogError("Frame at {Timestamp} ns covered whole: its analysis failed: {Message}", timestampNs, e.Message);
                _buffers.Store(bgr);
                return;
            }

            _log.LogWarning("Frame at {Timestamp} ns passed through unfiltered: {Message}", timestampNs, e.Message);
            return;
        }

        _buffers.Store(bgr);
    }
}
