using System.Diagnostics;
using System.Runtime.InteropServices;
using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Frames;
using Aisp.Core.Landmarks;
using Aisp.Core.Settings;
using Aisp.Core.Source;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Pipeline;

/// <summary>
/// One filter instance's pipeline: settings, models, engine, source face and statistics. Frames
/// are processed in place; a failure leaves the frame untouched and is recorded. Updates build new
/// models and engines outside the processing lock and swap them in at once, so frames keep
/// flowing with the old ones while the new ones load, and a failed update keeps the old ones.
/// </summary>
public sealed class FacePipeline : IDisposable
{
    private readonly ILogger _log;
    private readonly Lock _processGate = new();
    private readonly Lock _updateGate = new();
    private readonly List<Face> _faces = new(16);
    private readonly FaceTracker _tracker = new();
    private PipelineSettings _settings;
    private AnalysisModels? _models;
    private IFrameEngine _engine;
    private SourceFace? _source;
    private bool _disposed;

    private FacePipeline(PipelineSettings settings, AnalysisModels? models, IFrameEngine engine, ILogger log)
    {
        _settings = settings;
        _models = models;
        _engine = engine;
        _log = log;
        PublishIdentity();
    }

    public PipelineStats Stats { get; } = new();

    public PipelineSettings Settings => _settings;

    public SourceFace? Source => _source;

    /// <summary>Builds a pipeline from JSON settings over the defaults; throws <see cref="AispException"/>.</summary>
    public static FacePipeline Create(string? settingsJson, ILoggerFactory loggers)
    {
        ILogger log = loggers.CreateLogger("Aisp.Pipeline");
        PipelineSettings settings = ParseAndWarn(settingsJson, new PipelineSettings(), log);
        IFrameEngine engine = EngineFactory.Create(settings, log);
        AnalysisModels? models = null;
        try
        {
            models = NeedsModels(engine) ? AnalysisModels.Load(settings, NeedsLandmarks(engine), log) : null;
        }
        catch
        {
            engine.Dispose();
            throw;
        }

        log.LogInformation("Pipeline ready: engine {Engine}, detector {Detector} on {Provider}", engine.Name, models?.Detector.Name ?? "-", models?.Detector.ExecutionProvider ?? "-");
        return new FacePipeline(settings, models, engine, log);
    }

    /// <summary>Applies a full or partial settings object; on failure the previous settings stay in effect.</summary>
    public void Update(string? settingsJson)
    {
        lock (_updateGate)
        {
            try
            {
                PipelineSettings next = ParseAndWarn(settingsJson, _settings, _log);
                IFrameEngine engine = EngineFactory.Create(next, _log);
                AnalysisModels? models = _models;
                bool newModels = NeedsModels(engine) && (models is null || !models.Serve(_settings, next, NeedsLandmarks(engine)));
                if (newModels)
                {
                    try
                    {
                        models = AnalysisModels.Load(next, NeedsLandmarks(engine), _log); // slow part: outside the processing lock
                    }
                    catch
                    {
                        engine.Dispose();
                        throw;
                    }
                }

                Swap(next, models, engine, newModels);
                Stats.ClearLastError();
                _log.LogDebug("Settings applied: engine {Engine}, detector {Detector}", engine.Name, models?.Detector.Name ?? "-");
            }
            catch (AispException e)
            {
                Stats.RecordError(e.Kind, e.Message, frameFailed: false);
                _log.LogError("Settings rejected, previous settings kept: {Message}", e.Message);
                throw;
            }
        }
    }

    /// <summary>
    /// Sets the face to swap in from a decoded picture (any supported format). The face is found and
    /// landmarked once and kept until the next call. Throws <see cref="ErrorKind.SourceImage"/> when
    /// the picture has no usable face; the previous source face is then dropped.
    /// </summary>
    public void SetSourceImage(in Frame image, string label)
    {
        lock (_updateGate)
        {
            try
            {
                AnalysisModels? models = _models;
                bool newModels = models?.Landmarker is null;
                if (newModels)
                {
                    models = AnalysisModels.Load(_settings, withLandmarks: true, _log);
                }

                SourceFace source;
                try
                {
                    source = SourceFaceBuilder.Build(label, image, models!.Detector, models.Landmarker!, _settings.Confidence);
                }
                catch
                {
                    if (newModels)
                    {
                        models!.Dispose();
                    }

                    throw;
                }

                lock (_processGate)
                {
                    _source = source;
                }

                if (newModels)
                {
                    Swap(_settings, models, _engine, newModels: true, keepEngine: true);
                }

                if (source.FacesInImage > 1)
                {
                    _log.LogWarning("Source image {Label} has {Count} faces; using the largest", label, source.FacesInImage);
                }

                Stats.ClearLastError();
                _log.LogInformation("Source face set from {Label} ({Width}x{Height})", label, image.Width, image.Height);
            }
            catch (AispException e)
            {
                lock (_processGate)
                {
                    _source = null;
                }

                Stats.RecordError(e.Kind, e.Message, frameFailed: false);
                _log.LogError("Source image rejected: {Message}", e.Message);
                throw;
            }
        }
    }

    /// <summary>Runs analysis and the engine on the frame in place. Throws <see cref="AispException"/> with the frame untouched.</summary>
    public void Process(in Frame frame, long handoffTicks = 0)
    {
        Span<double> ms = stackalloc double[PipelineStats.StageCount];
        long start = Stopwatch.GetTimestamp();
        string? notice;
        lock (_processGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                _faces.Clear();
                long t0 = Stopwatch.GetTimestamp();
                EngineNeeds needs = _engine.Needs;
                if (_models is not null && (needs & EngineNeeds.Faces) != 0)
                {
                    _models.Detector.Detect(frame, _settings.Confidence, _faces);
                }

                long t1 = Stopwatch.GetTimestamp();
                Span<Face> faces = CollectionsMarshal.AsSpan(_faces);
                if (_models?.Landmarker is { } landmarker && (needs & EngineNeeds.Landmarks) == EngineNeeds.Landmarks)
                {
                    for (int i = 0; i < faces.Length; i++)
                    {
                        landmarker.Locate(frame, ref faces[i]);
                    }
                }

                _tracker.Update(faces, frame.TimestampNs, _settings.Stabilize);
                long t2 = Stopwatch.GetTimestamp();
                notice = _engine.Apply(frame, faces, _source);
                long t3 = Stopwatch.GetTimestamp();
                ms[(int)Stage.Handoff] = Ms(handoffTicks) + Ms(t0 - start);
                ms[(int)Stage.Detect] = Ms(t1 - t0);
                ms[(int)Stage.Landmarks] = Ms(t2 - t1);
                ms[(int)Stage.Engine] = Ms(t3 - t2);
                ms[(int)Stage.Total] = ms[(int)Stage.Handoff] + Ms(t3 - start);
            }
            catch (AispException e)
            {
                Stats.RecordError(e.Kind, e.Message, frameFailed: true);
                throw;
            }
        }

        Stats.RecordFrame(_faces.Count, ms, notice);
    }

    /// <summary>Faces found in the last processed frame (valid until the next call).</summary>
    public ReadOnlySpan<Face> LastFaces => CollectionsMarshal.AsSpan(_faces);

    public void Dispose()
    {
        lock (_processGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _models?.Dispose();
            _engine.Dispose();
        }
    }

    private void Swap(PipelineSettings next, AnalysisModels? models, IFrameEngine engine, bool newModels, bool keepEngine = false)
    {
        AnalysisModels? oldModels;
        IFrameEngine oldEngine;
        lock (_processGate)
        {
            oldModels = _models;
            oldEngine = _engine;
            _settings = next;
            _models = models;
            _engine = engine;
        }

        if (!keepEngine)
        {
            oldEngine.Dispose();
        }

        if (newModels)
        {
            oldModels?.Dispose();
        }

        PublishIdentity();
    }

    private static bool NeedsModels(IFrameEngine engine) => (engine.Needs & EngineNeeds.Faces) != 0;

    private static bool NeedsLandmarks(IFrameEngine engine) => (engine.Needs & EngineNeeds.Landmarks) == EngineNeeds.Landmarks;

    private void PublishIdentity() =>
        Stats.SetIdentity(_engine.Name, _models?.Detector.Name ?? "", _models?.Detector.ExecutionProvider ?? "cpu");

    private static PipelineSettings ParseAndWarn(string? json, PipelineSettings basis, ILogger log)
    {
        var unknown = new List<string>();
        PipelineSettings s = SettingsParser.Parse(json, basis, unknown);
        if (unknown.Count > 0)
        {
            log.LogDebug("Ignored settings keys: {Keys}", string.Join(", ", unknown));
        }

        return s;
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
