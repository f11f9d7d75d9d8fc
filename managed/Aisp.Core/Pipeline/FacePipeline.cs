using System.Diagnostics;
using System.Runtime.InteropServices;
using Aisp.Core.Background;
using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline.Stages;
using Aisp.Core.Settings;
using Aisp.Core.Source;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Pipeline;

/// <summary>
/// One filter instance's pipeline: settings, models, engine, source face and statistics.
/// A frame goes through two halves. <b>Analysis</b> (detection on a cadence, landmarks and
/// tracking in between, and the stages after them) runs inline in "sync" mode, or in "async" mode
/// on the pipeline's own worker thread, fed with a copy of the newest frame (newest wins; older ones
/// are dropped and counted). <b>Drawing</b> always runs on the caller's thread (or the host's render
/// pass): it takes the newest analysis result without waiting (<see cref="AppliedFaces"/>), covers
/// the frame whole when privacy has no fresh result (<see cref="FailClosedGuard"/>) and lets the
/// engine in use (<see cref="EngineSlot"/>) change the frame in place. A failure leaves the frame
/// untouched and is recorded. Updates build new models and engines first
/// (<see cref="SettingsTransaction"/>) and install them; frames keep flowing with the old ones
/// meanwhile, and a failed update keeps them. The pictures a user gives (source faces, the
/// background picture) are set in FacePipeline.Pictures.cs.
/// </summary>
public sealed partial class FacePipeline : IDisposable
{
    private readonly ILogger _log;
    private readonly Lock _updateGate = new();   // one settings or picture change at a time
    private readonly Lock _analysisGate = new(); // analysis never runs on models or engines being replaced
    private readonly AnalysisPass _pass = new();
    private readonly IAnalysisStage[] _stages;
    private readonly TripleBuffer<AnalysisResult> _results = new(new(), new(), new());
    private readonly AppliedFaces _applied = new();
    private readonly EngineSlot _engines;
    private readonly FrameBudget _budget;
    private readonly FailClosedGuard _guard;
    private readonly CompositorChooser _chooser = new();
    private readonly AnalysisWorker? _worker;
    private PipelineSettings _settings;
    private AnalysisModels? _models;
    private BackgroundMatte? _matte;        // the person mask, when the settings ask for a background
    private BackgroundPicture? _backgroundPicture;
    private SourceBook _sources = SourceBook.Empty;
    private volatile bool _paused;
    private volatile bool _gpuDisabled;
    private long _lastAnalysedNs = -1;
    private double _pendingHandoffMs;
    private long _handedOff;      // frames handed to analysis so far (frame thread)
    private long _handedToGpuNs = long.MinValue;
    private string? _coverNotice; // why the newest frame was covered whole, null when it was not
    private int _inFrame;         // 1 while a thread is inside Process: one frame thread at a time
    private bool _disposed;

    private FacePipeline(PipelineParts parts, ILogger log)
    {
        _settings = parts.Settings;
        _models = parts.Models;
        _matte = parts.Matte;
        _log = log;
        _guard = new FailClosedGuard(Stats, log);
        _budget = new FrameBudget(parts.Settings);
        _engines = new EngineSlot(parts.Engine, analysisOnItsOwnThread: parts.Settings.Analysis == AnalysisModes.Async);
        _stages = [new DetectStage(() => _budget.Governor, Stats), new LandmarkStage(), new TrackStage(), new CoverStage(Stats), new ColourStage(), new RecogniseStage(Stats),
            new PrepareStage(), new BackgroundStage()];
        if (parts.Settings.Analysis == AnalysisModes.Async)
        {
            _worker = new AnalysisWorker(AnalyseLocked, Stats, log);
        }

        PublishIdentity(parts.Engine, parts.Models);
    }

    public PipelineStats Stats { get; } = new();

    public PipelineSettings Settings => _settings;

    /// <summary>The default source face (the "Source face" picture), null when none is set.</summary>
    public SourceFace? Source => Volatile.Read(ref _sources).Default;

    /// <summary>The source faces in use: the default and those mapped to identities.</summary>
    public SourceBook Sources => Volatile.Read(ref _sources);

    /// <summary>Bytes allocated so far by the analysis thread (async mode; 0 in sync mode), for allocation checks.</summary>
    public long AnalysisThreadAllocatedBytes => _worker?.AllocatedBytes ?? 0;

    /// <summary>Faces the engine got for the last frame (valid until the next call).</summary>
    public ReadOnlySpan<Face> LastFaces => _applied.Faces;

    /// <summary>Builds a pipeline from JSON settings over the defaults; throws <see cref="AispException"/>.</summary>
    public static FacePipeline Create(string? settingsJson, ILoggerFactory loggers)
    {
        ILogger log = loggers.CreateLogger("Aisp.Pipeline");
        PipelineSettings settings = SettingsTransaction.Parse(settingsJson, new PipelineSettings(), log);
        PipelineParts parts = SettingsTransaction.Build(settings, settings, models: null, matte: null, reload: false, log);
        log.LogInformation("Pipeline ready: engine {Engine}, detector {Detector} on {Provider}, {Mode} analysis, background {Background}", parts.Engine.Name, parts.Models?.Detector.Name ?? "-",
            parts.Models?.Detector.ExecutionProvider ?? "-", settings.Analysis, settings.Background);
        return new FacePipeline(parts, log);
    }

    /// <summary>Applies a full or partial settings object; on failure the previous settings stay in effect.</summary>
    public void Update(string? settingsJson) => ChangeSettings(settingsJson, reload: false);

    /// <summary>Loads the models and makes the engine anew with the settings in effect (a retry after errors); on failure the old ones stay.</summary>
    public void Reload() => ChangeSettings(null, reload: true);

    private void ChangeSettings(string? settingsJson, bool reload)
    {
        lock (_updateGate)
        {
            try
            {
                PipelineSettings next = SettingsTransaction.Parse(settingsJson, _settings, _log);
                if (next.Analysis != _settings.Analysis)
                {
                    throw new AispException(ErrorKind.InvalidSettings, "invalid settings: 'analysis' is fixed when the instance is created");
                }

                PipelineParts parts = SettingsTransaction.Build(_settings, next, _models, _matte, reload, _log);
                Install(next, parts.Models, parts.NewModels, parts.Matte);
                Volatile.Write(ref _sources, _sources.Keeping(next.SwapIdentities));
                _engines.Choose(parts.Engine, _analysisGate);
                PublishIdentity(parts.Engine, parts.Models); // the engine chosen; it takes over once analysis serves it
                Stats.ClearLastError();
                _log.LogDebug("Settings applied: engine {Engine}, detector {Detector}", parts.Engine.Name, parts.Models?.Detector.Name ?? "-");
            }
            catch (Exception e)
            {
                Stats.RecordError(KindOf(e), e.Message, frameFailed: false);
                _log.LogError("Settings rejected, previous settings kept: {Message}", e.Message);
                throw;
            }
        }
    }

    /// <summary>Puts new settings, models and person mask in effect between two analyses, then disposes what they replaced.</summary>
    private void Install(PipelineSettings next, AnalysisModels? models, bool newModels, BackgroundMatte? matte)
    {
        AnalysisModels? oldModels;
        BackgroundMatte? oldMatte;
        lock (_analysisGate)
        {
            oldMatte = _matte;
            _matte = matte;
            _budget.Follow(next);
            oldModels = _models;
            _models = models;
            _settings = next;
        }

        if (newModels && !ReferenceEquals(oldModels, models))
        {
            oldModels?.Dispose(); // analysis is done with them: it runs under the same lock
        }

        if (!ReferenceEquals(oldMatte, matte))
        {
            oldMatte?.Dispose();
        }
    }

    /// <summary>
    /// Hands the frame to analysis and applies the newest result to it in place; with the GPU
    /// compositor (and an engine that draws there) it only hands the frame over, and the host's
    /// render pass draws the result (<see cref="BeginComposite"/>). Throws <see cref="AispException"/> with the frame untouched.
    /// </summary>
    public void Process(in Frame frame, long handoffTicks = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnterFrame();
        long start = Stopwatch.GetTimestamp();
        try
        {
            HandOff(frame, 1);
            long handedOff = Stopwatch.GetTimestamp();
            double handoffMs = Ms(handoffTicks) + (_worker is null ? 0 : Ms(handedOff - start));
            _results.TryTake();
            double resultAgeMs = _applied.Take(_results.Consumer, frame.TimestampNs);
            SwitchEngineWhenServed();
            ChooseFaces(frame.Width, frame.Height);
            if (ComposesOnGpu)
            {
                _pendingHandoffMs = handoffMs; // the render pass records the frame
                Volatile.Write(ref _handedToGpuNs, frame.TimestampNs);
                return;
            }

            string? engineNotice = RunEngine(frame);
            string? backgroundNotice = (_settings.UsesBackground ? LayerBlender.Blend(frame, _results.Consumer.Background) : null) ?? _results.Consumer.Background.Notice;
            string? notice = _coverNotice ?? engineNotice ?? backgroundNotice;
            long end = Stopwatch.GetTimestamp();
            double engineMs = Ms(end - handedOff);
            Stats.RecordStage(Stage.Handoff, handoffMs);
            Stats.RecordStage(Stage.Engine, engineMs);
            Stats.RecordStage(Stage.Total, Ms(handoffTicks) + Ms(end - start));
            _chooser.Observe(gpu: false, Ms(handoffTicks) + Ms(end - start));
            FinishFrame(frame.TimestampNs, engineMs, resultAgeMs, notice);
        }
        catch (Exception e)
        {
            Stats.RecordError(KindOf(e), e.Message, frameFailed: true);
            if (ComposesOnGpu)
            {
                Volatile.Write(ref _handedToGpuNs, frame.TimestampNs); // the render pass covers it (fails closed there)
            }

            CoverWholeOnFailure(frame);
            throw;
        }
        finally
        {
            ExitFrame();
        }
    }

    /// <summary>
    /// Whether <see cref="Process"/> left this asynchronous frame unpainted for the render pass to
    /// draw. Who draws a frame is decided once, where it enters: an engine switch or the automatic
    /// compositor changing its mind before the render pass must not leave a frame nobody drew
    /// (it showed the raw face for a frame after a switch to privacy, under load).
    /// </summary>
    public bool HandedToGpu(long timestampNs) => Volatile.Read(ref _handedToGpuNs) == timestampNs;

    /// <summary>
    /// Waits until analysis has finished the newest frame handed to it (async mode; at once in sync
    /// mode, where analysis runs inside the call). Tests and QA step frame by frame this way, so
    /// what a frame gets does not depend on how fast the machine is; the host never calls it.
    /// </summary>
    public bool WaitForAnalysis(TimeSpan timeout) => _worker?.WaitFor(Volatile.Read(ref _handedOff), timeout) ?? true;

    /// <summary>Frames an engine that fails closed covered whole because their processing failed (sync analysis: files, jobs).</summary>
    public long FramesCoveredOnFailure => _guard.FramesCoveredOnFailure;

    /// <summary>Whether the newest failed frame was covered whole (privacy) rather than left untouched.</summary>
    public bool LastFailureCovered { get; private set; }

    /// <summary>
    /// Paused from a remote control (Stream Deck, dashboard): an engine that fails closed covers the
    /// whole frame while paused, so pausing privacy never shows a face; other engines are paused by
    /// the host (OBS disables the filter) and pass the picture through.
    /// </summary>
    public bool Paused
    {
        get => _paused;
        set => _paused = value;
    }

    /// <summary>Whether the host's GPU compositor draws the frames now: settings ask for it (or "auto" chose it) and the engine in use has a GPU drawer.</summary>
    public bool ComposesOnGpu => _engines.Current.DrawsOnGpu && !_gpuDisabled && _settings.Compositor switch
    {
        CompositorModes.Gpu => true,
        CompositorModes.Auto => _chooser.UseGpu,
        _ => false,
    };

    /// <summary>The host has no GPU compositor (its graphics could not be bound): paint on the CPU whatever the settings say.</summary>
    public void DisableGpuCompositor() => _gpuDisabled = true;

    /// <summary>
    /// Hands a copy the host made for analysis only (a synchronous source's downscaled picture,
    /// <paramref name="scale"/> output pixels per copy pixel) to analysis; nothing is applied.
    /// </summary>
    public void SubmitForAnalysis(in Frame frame, float scale, double hostHandoffMs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long start = Stopwatch.GetTimestamp();
        try
        {
            HandOff(frame, scale);
        }
        catch (Exception e)
        {
            Stats.RecordError(KindOf(e), e.Message, frameFailed: false);
            throw;
        }

        _pendingHandoffMs = hostHandoffMs + (_worker is null ? 0 : Ms(Stopwatch.GetTimestamp() - start));
    }

    /// <summary>
    /// Starts drawing a frame in the host's render pass: takes the newest result, predicts its faces
    /// to <paramref name="timestampNs"/> and, for a new frame, switches to a newly chosen engine once
    /// analysis serves it. The faces are valid until the next call.
    /// </summary>
    /// <param name="entersHere">The frame enters the pipeline in the render pass (a synchronous source); an
    /// asynchronous frame entered in <see cref="Process"/>, which chose its result and engine already:
    /// a newer result taken here could serve the engine about to take over, not the one drawing (a
    /// swap would draw no face, and show the raw one, on the frame after a switch to privacy).</param>
    public CompositeView BeginComposite(long timestampNs, bool newFrame, int width, int height, bool entersHere = true)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (entersHere)
        {
            _results.TryTake();
        }

        double age = _applied.Take(_results.Consumer, timestampNs);
        if (newFrame && entersHere)
        {
            SwitchEngineWhenServed();
        }

        ChooseFaces(width, height);
        IFrameEngine engine = _engines.Current;
        _budget.HandTo(engine);
        AnalysisResult result = _results.Consumer;
        return new CompositeView(engine, _applied.Faces, SwapsFaces(engine) ? _applied.Groups : default, age, _coverNotice, result.Crops,
            _settings.UsesBackground ? result.Background : null);
    }

    /// <summary>Records a frame the host's GPU compositor drew: its hand-off and draw times, and the engine's notice.</summary>
    public void EndComposite(long timestampNs, double compositeMs, double resultAgeMs, string? notice)
    {
        double handoffMs = _pendingHandoffMs;
        _pendingHandoffMs = 0;
        Stats.RecordStage(Stage.Handoff, handoffMs);
        Stats.RecordStage(Stage.Composite, compositeMs);
        Stats.RecordStage(Stage.Total, handoffMs + compositeMs);
        _chooser.Observe(gpu: true, handoffMs + compositeMs);
        FinishFrame(timestampNs, compositeMs, resultAgeMs, notice);
    }

    /// <summary>Which faces the frame gets: privacy's rules per person, the whole frame when no fresh result serves privacy, runs by source face for a swap.</summary>
    private void ChooseFaces(int width, int height)
    {
        IFrameEngine engine = _engines.Current;
        _applied.ApplyIdentityRules(engine.FailsClosed, (engine.Needs & EngineNeeds.RealFaces) == EngineNeeds.RealFaces, _settings, _results.Consumer);
        _coverNotice = _guard.CoverNotice(engine, _paused, _worker?.BusySince ?? 0, _results.Consumer, _handedOff);
        if (_coverNotice is not null)
        {
            _applied.CoverWhole(width, height);
        }

        _applied.CountCovered(engine.FailsClosed, _coverNotice is not null);
        if (SwapsFaces(engine))
        {
            _applied.ArrangeBySource(Volatile.Read(ref _sources), _settings.SwapUnknown == SwapUnknownModes.Default);
        }
    }

    /// <summary>Runs the engine in use on the frame with the faces <see cref="ChooseFaces"/> chose.</summary>
    private string? RunEngine(in Frame frame)
    {
        IFrameEngine engine = _engines.Current;
        _budget.HandTo(engine);
        PreparedCrops crops = _results.Consumer.Crops;
        if (!SwapsFaces(engine))
        {
            return engine.Apply(frame, _applied.Faces, null, crops);
        }

        string? notice = null;
        Span<Face> faces = _applied.Faces;
        foreach (SourceGroup g in _applied.Groups)
        {
            string? said = engine.Apply(frame, faces.Slice(g.Start, g.Count), g.Source, crops);
            notice ??= said;
        }

        return notice;
    }

    private void SwitchEngineWhenServed()
    {
        if (_engines.SwitchWhenServed(_results.Consumer))
        {
            _budget.EngineChanged();
            _chooser.Reset(); // another engine, other costs
        }
    }

    /// <summary>The statistics of a drawn frame, the compositor in effect and the frame budget.</summary>
    private void FinishFrame(long timestampNs, double drawMs, double resultAgeMs, string? notice)
    {
        PublishCompositor();
        _budget.Observe(timestampNs, _results.Consumer.AnalysisMs, drawMs);
        Stats.RecordFrame(_applied.Found, _applied.Known, resultAgeMs, notice, _budget.Level, _budget.BudgetShare, _applied.Covered, _applied.OverBudget);
    }

    /// <summary>
    /// Privacy fails closed on files too: a frame whose analysis (or engine) failed is covered whole
    /// (<see cref="FailClosedGuard.CoverWholeOnFailure"/>). With the GPU compositor, the render pass covers it.
    /// </summary>
    private void CoverWholeOnFailure(in Frame frame)
    {
        LastFailureCovered = !ComposesOnGpu && _guard.CoverWholeOnFailure(frame, _engines.Current, _results.Consumer.Crops);
        if (LastFailureCovered)
        {
            Stats.RecordFrame(_applied.Found, _applied.Known, 0, FailClosedGuard.CoverFailed, _budget.Level, _budget.BudgetShare, _applied.Found, _applied.OverBudget);
        }
    }

    /// <summary>
    /// Claims the frame path for the calling thread. Hosts feed one instance from one thread; a
    /// second thread arriving meanwhile gets an error (its frame passes through untouched and is
    /// counted as failed) instead of racing the first over shared buffers. Never waits.
    /// </summary>
    private void EnterFrame()
    {
        if (Interlocked.CompareExchange(ref _inFrame, 1, 0) != 0)
        {
            const string message = "two threads fed this instance at once; the second frame passed through untouched (feed an instance from one thread)";
            Stats.RecordError(ErrorKind.InvalidArgument, message, frameFailed: true);
            throw new AispException(ErrorKind.InvalidArgument, message);
        }
    }

    private void ExitFrame() => Volatile.Write(ref _inFrame, 0);

    private void HandOff(in Frame frame, float scale)
    {
        long sequence = ++_handedOff;
        if (_worker is not null)
        {
            // Engines whose prepared work reads the face's pixels (a swap model reading 128x128 crops) get the frame whole.
            bool whole = (_engines.Newest.Needs & EngineNeeds.FullResolution) != 0;
            _worker.Submit(frame, sequence, scale, whole);
            return;
        }

        lock (_analysisGate)
        {
            Analyse(frame, scale, sequence);
        }
    }

    /// <summary>
    /// The worker's entry: analysis holds the gate so an update or a new source face never disposes
    /// the models under it (the gate is only ever contended by those, never by the frame thread).
    /// </summary>
    private void AnalyseLocked(in Frame frame, float scale, long sequence)
    {
        lock (_analysisGate)
        {
            Analyse(frame, scale, sequence);
        }
    }

    /// <summary>Runs the analysis stages on the frame (detection or tracking, landmarks, ids and velocities, colour, recognition, prepared crops, background) and publishes the result.</summary>
    private void Analyse(in Frame frame, float scale, long sequence)
    {
        long t0 = Stopwatch.GetTimestamp();
        _engines.DisposeRetired();
        AnalysisPass pass = _pass;
        AnalysisResult result = _results.Producer;
        pass.Frame = frame;
        pass.Scale = scale;
        pass.Result = result;
        pass.Settings = _settings;
        pass.Models = _models;
        pass.Engines = _engines;
        pass.Sources = Volatile.Read(ref _sources);
        pass.Matte = _matte;
        pass.BackgroundPicture = Volatile.Read(ref _backgroundPicture);
        pass.Needs = _engines.Needs | (_settings.UsesIdentities ? EngineNeeds.Landmarks : EngineNeeds.None); // recognition aligns faces by their landmarks
        pass.Dt = _lastAnalysedNs >= 0 && frame.TimestampNs > _lastAnalysedNs ? (frame.TimestampNs - _lastAnalysedNs) / 1e9f : 0;
        _lastAnalysedNs = frame.TimestampNs;
        foreach (IAnalysisStage stage in _stages)
        {
            stage.Run(pass);
        }

        long t2 = Stopwatch.GetTimestamp();
        if (pass.WantLandmarks)
        {
            Stats.RecordStage(Stage.Landmarks, Ms(t2 - pass.DetectedTicks));
        }

        result.CopyFrom(CollectionsMarshal.AsSpan(pass.Faces), frame.TimestampNs);
        result.SetCovers(CollectionsMarshal.AsSpan(pass.Covers));
        result.OverBudget = pass.WantCoverage ? pass.OverBudget : 0;
        result.Provides = (pass.WantFaces ? EngineNeeds.Faces : EngineNeeds.None) | (pass.WantLandmarks ? EngineNeeds.Landmarks : EngineNeeds.None)
            | (result.Crops.Prepared ? EngineNeeds.Prepared : EngineNeeds.None);
        result.AnalysisMs = Ms(t2 - t0);
        result.Scale = scale;
        result.Sequence = sequence;
        result.PublishedTicks = Stopwatch.GetTimestamp();
        _results.Publish();
        Stats.RecordAnalysed(result.AnalysisMs);
    }

    public void Dispose()
    {
        lock (_updateGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_worker is not null && !_worker.Stop())
            {
                return; // analysis hangs inside a model: leave it its models rather than hang the host or free them under it
            }

            lock (_analysisGate)
            {
                _models?.Dispose();
                _matte?.Dispose();
            }

            _engines.Dispose(); // the host stops calling Process before it destroys the instance
        }
    }

    private static ErrorKind KindOf(Exception e) => e is AispException a ? a.Kind : ErrorKind.Internal;

    private static bool SwapsFaces(IFrameEngine engine) => (engine.Needs & EngineNeeds.SourceFace) != 0;

    /// <summary>The compositor in effect, for the statistics: "gpu", "cpu", or "auto: ..." while or after choosing.</summary>
    private void PublishCompositor()
    {
        string now = !_engines.Current.DrawsOnGpu || _gpuDisabled || _settings.Compositor == CompositorModes.Cpu ? CompositorModes.Cpu
            : _settings.Compositor == CompositorModes.Gpu ? CompositorModes.Gpu
            : _chooser.State switch { "gpu" => "auto: gpu", "cpu" => "auto: cpu", _ => "auto: trying" };
        Stats.SetCompositor(now);
    }

    private void PublishIdentity(IFrameEngine engine, AnalysisModels? models) =>
        Stats.SetIdentity(engine.Name, models?.Detector.Name ?? "", models?.Detector.ExecutionProvider ?? "cpu");

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
