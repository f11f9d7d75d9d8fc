using System.Diagnostics;
using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Frames;
using Aisp.Core.Settings;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Pipeline;

/// <summary>
/// One filter instance's pipeline: settings, detector, engine and statistics. Frames are
/// processed in place; a failure leaves the frame untouched and is recorded. Settings updates
/// build new models outside the processing lock and swap them in at once, so frames keep
/// flowing with the old ones while the new ones load, and a failed update keeps the old ones.
/// </summary>
public sealed class FacePipeline : IDisposable
{
    private readonly ILogger _log;
    private readonly Lock _processGate = new();
    private readonly Lock _updateGate = new();
    private readonly List<Face> _faces = new(16);
    private PipelineSettings _settings;
    private IFaceDetector? _detector;
    private IFrameEngine _engine;
    private bool _disposed;

    private FacePipeline(PipelineSettings settings, IFaceDetector? detector, IFrameEngine engine, ILogger log)
    {
        _settings = settings;
        _detector = detector;
        _engine = engine;
        _log = log;
        PublishIdentity();
    }

    public PipelineStats Stats { get; } = new();

    public PipelineSettings Settings => _settings;

    /// <summary>Builds a pipeline from JSON settings over the defaults; throws <see cref="AispException"/>.</summary>
    public static FacePipeline Create(string? settingsJson, ILoggerFactory loggers)
    {
        ILogger log = loggers.CreateLogger("Aisp.Pipeline");
        PipelineSettings settings = ParseAndWarn(settingsJson, new PipelineSettings(), log);
        IFrameEngine engine = EngineFactory.Create(settings);
        IFaceDetector? detector = null;
        try
        {
            detector = engine.NeedsFaces ? DetectorFactory.Create(settings, log) : null;
        }
        catch
        {
            engine.Dispose();
            throw;
        }

        log.LogInformation("Pipeline ready: engine {Engine}, detector {Detector} on {Provider}", engine.Name, detector?.Name ?? "-", detector?.ExecutionProvider ?? "-");
        return new FacePipeline(settings, detector, engine, log);
    }

    /// <summary>Applies a full or partial settings object; on failure the previous settings stay in effect.</summary>
    public void Update(string? settingsJson)
    {
        lock (_updateGate)
        {
            try
            {
                PipelineSettings next = ParseAndWarn(settingsJson, _settings, _log);
                IFrameEngine engine = EngineFactory.Create(next);
                IFaceDetector? detector = _detector;
                bool newDetector = engine.NeedsFaces && (detector is null || !next.SameDetector(_settings));
                if (newDetector)
                {
                    try
                    {
                        detector = DetectorFactory.Create(next, _log); // slow part: outside the processing lock
                    }
                    catch
                    {
                        engine.Dispose();
                        throw;
                    }
                }

                IFaceDetector? oldDetector;
                IFrameEngine oldEngine;
                lock (_processGate)
                {
                    oldDetector = _detector;
                    oldEngine = _engine;
                    _settings = next;
                    _detector = detector;
                    _engine = engine;
                }

                oldEngine.Dispose();
                if (newDetector)
                {
                    oldDetector?.Dispose();
                }

                Stats.ClearLastError();
                PublishIdentity();
                _log.LogInformation("Settings applied: engine {Engine}, detector {Detector}", engine.Name, detector?.Name ?? "-");
            }
            catch (AispException e)
            {
                Stats.RecordError(e.Kind, e.Message, frameFailed: false);
                _log.LogError("Settings rejected, previous settings kept: {Message}", e.Message);
                throw;
            }
        }
    }

    /// <summary>Runs detection and the engine on the frame in place. Throws <see cref="AispException"/> with the frame untouched.</summary>
    public void Process(in Frame frame, long handoffTicks = 0)
    {
        Span<double> ms = stackalloc double[PipelineStats.StageCount];
        long start = Stopwatch.GetTimestamp();
        lock (_processGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                _faces.Clear();
                long t0 = Stopwatch.GetTimestamp();
                if (_engine.NeedsFaces && _detector is not null)
                {
                    _detector.Detect(frame, _settings.Confidence, _faces);
                }

                long t1 = Stopwatch.GetTimestamp();
                _engine.Apply(frame, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_faces));
                long t2 = Stopwatch.GetTimestamp();
                ms[(int)Stage.Handoff] = Ms(handoffTicks) + Ms(t0 - start);
                ms[(int)Stage.Detect] = Ms(t1 - t0);
                ms[(int)Stage.Engine] = Ms(t2 - t1);
                ms[(int)Stage.Total] = ms[(int)Stage.Handoff] + Ms(t2 - start);
            }
            catch (AispException e)
            {
                Stats.RecordError(e.Kind, e.Message, frameFailed: true);
                throw;
            }
        }

        Stats.RecordFrame(_faces.Count, ms);
    }

    /// <summary>Faces found in the last processed frame (valid until the next call).</summary>
    public ReadOnlySpan<Face> LastFaces => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_faces);

    public void Dispose()
    {
        lock (_processGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _detector?.Dispose();
            _engine.Dispose();
        }
    }

    private void PublishIdentity() =>
        Stats.SetIdentity(_engine.Name, _detector?.Name ?? "", _detector?.ExecutionProvider ?? "cpu");

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
