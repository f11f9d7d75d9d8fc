using System.Diagnostics;
using System.Runtime.InteropServices;
using Aisp.Core.Background;
using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Frames;
using Aisp.Core.Identities;
using Aisp.Core.Pipeline.Stages;
using Aisp.Core.Settings;
using Aisp.Core.Source;
using Aisp.Core.Swap;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Pipeline;

/// <summary>
/// One filter instance's pipeline: settings, models, engine, source face and statistics.
/// A frame goes through two halves. <b>Analysis</b> (detection on a cadence, landmarks and
/// tracking in between) runs inline in "sync" mode, or in "async" mode on the pipeline's own
/// worker thread, fed with a copy of the newest frame (newest wins; older ones are dropped and
/// counted). <b>Apply</b> always runs on the caller's thread: it takes the newest analysis result
/// without waiting, predicts the faces forward to the frame's timestamp and lets the engine change
/// the frame in place. A failure leaves the frame untouched and is recorded.
/// Updates build new models and engines first and swap them in; frames keep flowing with the old
/// ones meanwhile, and a failed update keeps them.
/// </summary>
public sealed class FacePipeline : IDisposable
{
    private const double MaxPredictionSeconds = 0.1;

    /// <summary>An engine that fails closed covers the frame once analysis is this far behind (and two or more frames behind).</summary>
    public const double MaxResultAgeMs = 250;

    /// <summary>Analysis busy on one frame this long is a stall: an error in the status, and privacy covers the frame.</summary>
    public const double StallMs = 1000;

    public const string CoverStarting = "privacy covers the whole frame: no analysis result yet";
    public const string CoverBehind = "privacy covers the whole frame: analysis is over 250 ms behind";
    public const string CoverStalled = "privacy covers the whole frame: analysis stalled";
    public const string CoverPaused = "privacy covers the whole frame: paused";
    public const string StallError = "analysis stalled: no result for over 1 s";

    private readonly ILogger _log;
    private readonly Lock _updateGate = new();
    private readonly Lock _analysisGate = new();
    private readonly AnalysisPass _pass = new();
    private readonly IAnalysisStage[] _stages;
    private readonly TripleBuffer<AnalysisResult> _results = new(new(), new(), new());
    private Face[] _applied = new Face[AnalysisResult.MaxFaces]; // grows (once) when privacy covers more faces than the per-face budget
    private readonly SourceGroups _groups = new();          // frame thread: the applied faces' runs by source face
    private readonly SourceGroups _prepareGroups = new();   // analysis thread: the same for the prepared crops
    private readonly Face[] _preparing = new Face[AnalysisResult.MaxFaces];
    private readonly AnalysisWorker? _worker;
    private PipelineSettings _settings;
    private AnalysisModels? _models;
    private BackgroundMatte? _matte;        // the person mask, when the settings ask for a background
    private BackgroundPicture? _backgroundPicture;
    private IFrameEngine _engine;          // in use by Apply; only Apply replaces it
    private IFrameEngine? _nextEngine;     // chosen by Update, switched in by Apply once analysis serves it
    private IFrameEngine? _retired;        // replaced by Apply, disposed off the frame thread
    private SourceBook _sources = SourceBook.Empty;
    private QualityGovernor _governor;
    private QualityLevel _engineQuality = (QualityLevel)(-1);
    private int _appliedCount;
    private int _facesFound;      // faces of the newest result (what the statistics count, also when the frame is covered whole)
    private int _facesKnown;      // of those, faces the face library named
    private int _facesCovered;    // faces privacy covered on the newest frame (every face found when the frame is covered whole)
    private int _overBudget;      // faces of the newest result beyond the per-face budget (covered from their boxes only)
    private volatile bool _paused;
    private long _coveredOnFailure;
    private long _lastAnalysedNs = -1, _lastFrameNs = -1;
    private double _frameIntervalMs = 1000.0 / 30;
    private readonly CompositorChooser _chooser = new();
    private volatile bool _gpuDisabled;
    private double _pendingHandoffMs;
    private long _handedOff;      // frames handed to analysis so far (frame thread)
    private bool _stallReported;
    private string? _coverNotice; // why the newest frame was covered whole, null when it was not
    private int _inFrame;         // 1 while a thread is inside Process: one frame thread at a time
    private bool _disposed;

    private FacePipeline(PipelineSettings settings, AnalysisModels? models, BackgroundMatte? matte, IFrameEngine engine, ILogger log)
    {
        _settings = settings;
        _models = models;
        _matte = matte;
        _engine = engine;
        _log = log;
        _governor = new QualityGovernor(FixedLevel(settings));
        _stages = [new DetectStage(() => _governor, Stats), new LandmarkStage(), new TrackStage(), new CoverStage(Stats), new ColourStage(), new RecogniseStage(Stats)];
        if (settings.Analysis == AnalysisModes.Async)
        {
            _worker = new AnalysisWorker(AnalyseLocked, Stats, log);
        }

        PublishIdentity(engine, models);
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
    public ReadOnlySpan<Face> LastFaces => _applied.AsSpan(0, _appliedCount);

    /// <summary>Builds a pipeline from JSON settings over the defaults; throws <see cref="AispException"/>.</summary>
    public static FacePipeline Create(string? settingsJson, ILoggerFactory loggers)
    {
        ILogger log = loggers.CreateLogger("Aisp.Pipeline");
        PipelineSettings settings = ParseAndWarn(settingsJson, new PipelineSettings(), log);
        IFrameEngine engine = EngineFactory.Create(settings, log);
        AnalysisModels? models = null;
        BackgroundMatte? matte = null;
        try
        {
            models = NeedsModels(engine) ? AnalysisModels.Load(settings, NeedsLandmarks(engine, settings), log) : null;
            matte = settings.UsesBackground ? BackgroundMatte.Load(settings, log) : null;
        }
        catch
        {
            engine.Dispose();
            models?.Dispose();
            throw;
        }

        log.LogInformation("Pipeline ready: engine {Engine}, detector {Detector} on {Provider}, {Mode} analysis, background {Background}", engine.Name, models?.Detector.Name ?? "-", models?.Detector.ExecutionProvider ?? "-", settings.Analysis, settings.Background);
        return new FacePipeline(settings, models, matte, engine, log);
    }

    /// <summary>Applies a full or partial settings object; on failure the previous settings stay in effect.</summary>
    public void Update(string? settingsJson) => Apply(settingsJson, reload: false);

    /// <summary>Loads the models and makes the engine anew with the settings in effect (a retry after errors); on failure the old ones stay.</summary>
    public void Reload() => Apply(null, reload: true);

    private void Apply(string? settingsJson, bool reload)
    {
        lock (_updateGate)
        {
            try
            {
                PipelineSettings next = ParseAndWarn(settingsJson, _settings, _log);
                if (next.Analysis != _settings.Analysis)
                {
                    throw new AispException(ErrorKind.InvalidSettings, "invalid settings: 'analysis' is fixed when the instance is created");
                }

                IFrameEngine engine = EngineFactory.Create(next, _log);
                AnalysisModels? models = _models;
                bool newModels = NeedsModels(engine) && (reload || models is null || !models.Serve(_settings, next, NeedsLandmarks(engine, next)));
                BackgroundMatte? matte = next.UsesBackground && _matte is { } kept && kept.Serves(next) && !reload ? kept : null;
                try
                {
                    if (newModels)
                    {
                        models = AnalysisModels.Load(next, NeedsLandmarks(engine, next), _log); // the slow part, before any swap
                    }

                    matte ??= next.UsesBackground ? BackgroundMatte.Load(next, _log) : null;
                }
                catch
                {
                    engine.Dispose();
                    if (newModels && !ReferenceEquals(models, _models))
                    {
                        models?.Dispose();
                    }

                    throw;
                }

                Swap(next, models, newModels, matte);
                Volatile.Write(ref _sources, _sources.Keeping(next.SwapIdentities));
                IFrameEngine? replaced = Interlocked.Exchange(ref _nextEngine, engine);
                lock (_analysisGate)
                {
                    replaced?.Dispose(); // chosen before but never switched in; analysis may have been preparing for it
                }
                PublishIdentity(engine, models); // the engine chosen; it takes over once analysis serves it
                Stats.ClearLastError();
                _log.LogDebug("Settings applied: engine {Engine}, detector {Detector}", engine.Name, models?.Detector.Name ?? "-");
            }
            catch (Exception e)
            {
                Stats.RecordError(KindOf(e), e.Message, frameFailed: false);
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
    public void SetSourceImage(in Frame image, string label) => SetSource(null, image, label);

    /// <summary>
    /// Sets the picture faces of <paramref name="identity"/> are swapped to (swap_identities names
    /// the identities; a mapping the settings drop is dropped with them). Throws like
    /// <see cref="SetSourceImage"/>; the identity's previous picture is then dropped.
    /// </summary>
    public void SetIdentitySource(string identity, in Frame image, string label)
    {
        if (string.IsNullOrWhiteSpace(identity))
        {
            throw new AispException(ErrorKind.InvalidArgument, "an identity source needs the identity's name");
        }

        if (!_settings.SwapIdentities.ContainsKey(identity.Trim()))
        {
            // Kept, it would never be used, yet held until the settings change: a caller looping over names would fill memory.
            throw new AispException(ErrorKind.InvalidArgument, $"'{identity}' has no mapping in swap_identities: set the mapping first, then its picture");
        }

        SetSource(identity.Trim(), image, label);
    }

    /// <summary>
    /// Sets the picture that replaces the background (background "replace"), decoded by the host;
    /// null forgets it. Throws <see cref="ErrorKind.SourceImage"/> for a picture it cannot take (the
    /// previous one is then dropped too: a broken file shows as a status, not as an old picture).
    /// </summary>
    public void SetBackgroundImage(in Frame? image, string label)
    {
        try
        {
            BackgroundPicture? picture = image is { } f ? BackgroundPicture.From(f, label) : null;
            Volatile.Write(ref _backgroundPicture, picture);
            Stats.ClearLastError();
            _log.LogInformation("Background picture {State} ({Label})", picture is null ? "cleared" : $"set, {picture.Width}x{picture.Height}", label);
        }
        catch (Exception e)
        {
            Volatile.Write(ref _backgroundPicture, null);
            Stats.RecordError(KindOf(e), e.Message, frameFailed: false);
            _log.LogError("Background picture rejected: {Message}", e.Message);
            throw;
        }
    }

    /// <summary>Forgets the picture of <paramref name="identity"/>: its faces are treated as unmapped.</summary>
    public void ClearIdentitySource(string identity)
    {
        lock (_updateGate)
        {
            Volatile.Write(ref _sources, _sources.With(identity, null));
        }
    }

    private void SetSource(string? identity, in Frame image, string label)
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
                    lock (_analysisGate)
                    {
                        source = SourceFaceBuilder.Build(label, image, models!.Detector, models.Landmarker!, models.SourceMesh, _settings.Confidence);
                    }
                }
                catch
                {
                    if (newModels)
                    {
                        models!.Dispose();
                    }

                    throw;
                }

                Volatile.Write(ref _sources, identity is null ? _sources.WithDefault(source) : _sources.With(identity, source));
                if (newModels)
                {
                    Swap(_settings, models, newModels: true, _matte);
                }

                if (source.FacesInImage > 1)
                {
                    _log.LogWarning("Source image {Label} has {Count} faces; using the largest", label, source.FacesInImage);
                }

                Stats.ClearLastError();
                _log.LogInformation("Source face {For} set from {Label} ({Width}x{Height})", identity ?? "(default)", label, image.Width, image.Height);
            }
            catch (Exception e)
            {
                Volatile.Write(ref _sources, identity is null ? _sources.WithDefault(null) : _sources.With(identity, null));
                Stats.RecordError(KindOf(e), e.Message, frameFailed: false);
                _log.LogError("Source image {For} rejected: {Message}", identity ?? "(default)", e.Message);
                throw;
            }
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
            double resultAgeMs = TakeNewest(frame.TimestampNs);
            SwitchEngineWhenServed(_results.Consumer);
            ApplyIdentityRules();
            CoverUnlessServed(frame.Width, frame.Height);
            ArrangeSources();
            if (ComposesOnGpu)
            {
                _pendingHandoffMs = handoffMs; // the render pass records the frame
                Volatile.Write(ref _handedToGpuNs, frame.TimestampNs);
                return;
            }

            string? engineNotice = ApplyQualityAndRun(frame);
            string? backgroundNotice = (_settings.UsesBackground ? LayerBlender.Blend(frame, _results.Consumer.Background) : null) ?? _results.Consumer.Background.Notice;
            string? notice = _coverNotice ?? engineNotice ?? backgroundNotice;
            long end = Stopwatch.GetTimestamp();
            double engineMs = Ms(end - handedOff);
            Stats.RecordStage(Stage.Handoff, handoffMs);
            Stats.RecordStage(Stage.Engine, engineMs);
            Stats.RecordStage(Stage.Total, Ms(handoffTicks) + Ms(end - start));
            _chooser.Observe(gpu: false, Ms(handoffTicks) + Ms(end - start));
            PublishCompositor();
            ObserveBudget(frame.TimestampNs, engineMs);
            Stats.RecordFrame(_facesFound, _facesKnown, resultAgeMs, notice, _governor.Level, _governor.BudgetShare, _facesCovered, _overBudget);
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

    private long _handedToGpuNs = long.MinValue;

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
    public long FramesCoveredOnFailure => Interlocked.Read(ref _coveredOnFailure);

    /// <summary>Whether the newest failed frame was covered whole (privacy) rather than left untouched.</summary>
    public bool LastFailureCovered { get; private set; }

    /// <summary>
    /// Privacy fails closed on files too: a frame whose analysis (or engine) failed is covered whole
    /// by the engine, which needs no model to pixelate or blur a rectangle. Other engines leave it untouched.
    /// </summary>
    private void CoverWholeOnFailure(in Frame frame)
    {
        LastFailureCovered = false;
        if (!_engine.FailsClosed || ComposesOnGpu)
        {
            return; // the GPU compositor covers a frame no result serves in the render pass
        }

        try
        {
            Span<Face> whole = [new Face { Box = new BoxF(0, 0, frame.Width, frame.Height), Score = 1 }];
            _engine.Apply(frame, whole, null, _results.Consumer.Crops);
            LastFailureCovered = true;
            Interlocked.Increment(ref _coveredOnFailure);
            Stats.RecordFrame(_facesFound, _facesKnown, 0, "privacy covered the whole frame: its analysis failed", _governor.Level, _governor.BudgetShare, _facesFound, _overBudget);
        }
        catch (Exception e) when (e is AispException or InvalidOperationException or ArgumentException)
        {
            _log.LogError("A failed frame could not be covered either: {Message}", e.Message);
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

    /// <summary>Whether the host's GPU compositor draws the frames now: settings ask for it (or "auto" chose it) and the engine in use has a GPU drawer.</summary>
    public bool ComposesOnGpu => _engine.DrawsOnGpu && !_gpuDisabled && _settings.Compositor switch
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
        double age = TakeNewest(timestampNs, takeNew: entersHere);
        if (newFrame && entersHere)
        {
            SwitchEngineWhenServed(_results.Consumer);
        }

        ApplyIdentityRules();
        CoverUnlessServed(width, height);
        ArrangeSources();

        if (_engineQuality != _governor.Level)
        {
            _engineQuality = _governor.Level;
            _engine.SetQuality(_engineQuality);
        }

        AnalysisResult result = _results.Consumer;
        return new CompositeView(_engine, _applied.AsSpan(0, _appliedCount), SwapsFaces(_engine) ? _groups.Groups : default, age, _coverNotice, result.Crops,
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
        PublishCompositor();
        ObserveBudget(timestampNs, compositeMs);
        Stats.RecordFrame(_facesFound, _facesKnown, resultAgeMs, notice, _governor.Level, _governor.BudgetShare, _facesCovered, _overBudget);
    }

    private void HandOff(in Frame frame, float scale)
    {
        long sequence = ++_handedOff;
        if (_worker is not null)
        {
            // Engines whose prepared work reads the face's pixels (a swap model reading 128x128 crops) get the frame whole.
            bool whole = ((Volatile.Read(ref _nextEngine) ?? _engine).Needs & EngineNeeds.FullResolution) != 0;
            _worker.Submit(frame, sequence, scale, whole);
            return;
        }

        lock (_analysisGate)
        {
            Analyse(frame, scale, sequence);
        }
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

            // The host stops calling Process before it destroys the instance.
            _engine.Dispose();
            _nextEngine?.Dispose();
            _retired?.Dispose();
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

    /// <summary>Runs the analysis stages on the frame (detection or tracking, landmarks, ids and velocities, colour, ...) and publishes the result.</summary>
    private void Analyse(in Frame frame, float scale, long sequence)
    {
        long t0 = Stopwatch.GetTimestamp();
        DisposeRetired();
        AnalysisPass pass = _pass;
        pass.Frame = frame;
        pass.Settings = _settings;
        pass.Models = _models;
        pass.Needs = Volatile.Read(ref _engine).Needs | (Volatile.Read(ref _nextEngine)?.Needs ?? EngineNeeds.None)
            | (_settings.UsesIdentities ? EngineNeeds.Landmarks : EngineNeeds.None); // recognition aligns faces by their landmarks
        pass.Dt = _lastAnalysedNs >= 0 && frame.TimestampNs > _lastAnalysedNs ? (frame.TimestampNs - _lastAnalysedNs) / 1e9f : 0;
        _lastAnalysedNs = frame.TimestampNs;
        foreach (IAnalysisStage stage in _stages)
        {
            stage.Run(pass);
        }

        Span<Face> faces = CollectionsMarshal.AsSpan(pass.Faces);
        AnalysisResult result = _results.Producer;
        // The engine about to take over, if it needs crops; else the one drawing (a switch to privacy
        // takes over at once, and until then the swap in use keeps its faces rather than showing the raw one).
        IFrameEngine? next = Volatile.Read(ref _nextEngine);
        IFrameEngine preparing = next is not null && (next.Needs & EngineNeeds.Prepared) != 0 ? next : Volatile.Read(ref _engine);
        result.Crops.Clear();
        result.Crops.Scale = scale;
        if (pass.WantLandmarks && (preparing.Needs & EngineNeeds.Prepared) != 0)
        {
            // e.g. a swap model: here, never on the frame thread; once per run of faces sharing a source face.
            int n = Math.Min(faces.Length, _preparing.Length);
            faces[..n].CopyTo(_preparing);
            _prepareGroups.Arrange(_preparing.AsSpan(0, n), Volatile.Read(ref _sources), _settings.SwapUnknown == SwapUnknownModes.Default);
            foreach (SourceGroup g in _prepareGroups.Groups)
            {
                preparing.Prepare(frame, _preparing.AsSpan(g.Start, g.Count), g.Source, result.Crops);
            }

            if (_prepareGroups.Groups.IsEmpty)
            {
                result.Crops.MarkPrepared(); // every face is left alone: nothing to prepare, and nothing missing
            }
        }

        if (_matte is { } matte && _settings.UsesBackground)
        {
            result.Background.Notice = matte.Paint(frame, scale, _settings, Volatile.Read(ref _backgroundPicture), result.Background);
        }
        else
        {
            result.Background.Clear();
        }

        long t2 = Stopwatch.GetTimestamp();
        if (pass.WantLandmarks)
        {
            Stats.RecordStage(Stage.Landmarks, Ms(t2 - pass.DetectedTicks));
        }

        result.CopyFrom(faces, frame.TimestampNs);
        result.SetCovers(CollectionsMarshal.AsSpan(pass.Covers));
        result.OverBudget = pass.WantCoverage ? pass.OverBudget : 0;
        result.PreparedFor = result.Crops.Prepared ? preparing : null;
        result.Provides = (pass.WantFaces ? EngineNeeds.Faces : EngineNeeds.None) | (pass.WantLandmarks ? EngineNeeds.Landmarks : EngineNeeds.None)
            | (result.Crops.Prepared ? EngineNeeds.Prepared : EngineNeeds.None);
        result.AnalysisMs = Ms(t2 - t0);
        result.Scale = scale;
        result.Sequence = sequence;
        result.PublishedTicks = Stopwatch.GetTimestamp();
        _results.Publish();
        Stats.RecordAnalysed();
    }

    /// <summary>Takes the newest result and predicts its faces, in output pixels, forward to <paramref name="timestampNs"/>; returns the result's age in ms.</summary>
    private double TakeNewest(long timestampNs, bool takeNew = true)
    {
        if (takeNew)
        {
            _results.TryTake();
        }

        AnalysisResult result = _results.Consumer;
        double age = result.TimestampNs > 0 || result.Count > 0 ? (timestampNs - result.TimestampNs) / 1e9 : 0;
        float dt = (float)Math.Clamp(age, 0, MaxPredictionSeconds);
        _appliedCount = result.Count;
        _facesFound = result.Count + result.CoverCount;
        _overBudget = result.OverBudget;
        _facesKnown = 0;
        for (int i = 0; i < result.Count; i++)
        {
            _applied[i] = result.Faces[i];
            if (result.Scale != 1)
            {
                _applied[i].Scale(result.Scale);
            }

            if (dt > 0)
            {
                _applied[i].Shift(_applied[i].Velocity.X * dt, _applied[i].Velocity.Y * dt);
            }
        }

        return age * 1000;
    }

    /// <summary>
    /// Fail-closed privacy: when the engine in use fails closed and no fresh analysis result with
    /// faces serves this frame (none yet, analysis stalled, or over <see cref="MaxResultAgeMs"/>
    /// and two frames behind), the faces become one box the size of the frame, so the whole frame
    /// is covered instead of a face being shown. Also the stall watchdog for every engine: an
    /// analysis busy for over <see cref="StallMs"/> is an error in the status until it ends.
    /// </summary>
    private void CoverUnlessServed(int width, int height)
    {
        long now = Stopwatch.GetTimestamp();
        long busySince = _worker?.BusySince ?? 0;
        bool stalled = busySince != 0 && Ms(now - busySince) > StallMs;
        if (stalled != _stallReported)
        {
            _stallReported = stalled;
            if (stalled)
            {
                Stats.RecordError(ErrorKind.Inference, StallError, frameFailed: false);
                _log.LogError("Analysis has produced nothing for over {Ms} ms: stalled", StallMs);
            }
            else
            {
                Stats.ClearLastError(StallError);
                _log.LogInformation("Analysis recovered from a stall");
            }
        }

        AnalysisResult result = _results.Consumer;
        _coverNotice = !_engine.FailsClosed ? null
            : _paused ? CoverPaused
            : stalled ? CoverStalled
            : (result.Provides & EngineNeeds.Faces) == 0 ? CoverStarting
            : _handedOff - result.Sequence >= 2 && Ms(now - result.PublishedTicks) > MaxResultAgeMs ? CoverBehind
            : null;
        if (_coverNotice is not null)
        {
            _applied[0] = new Face { Box = new BoxF(0, 0, width, height), Score = 1 };
            _appliedCount = 1;
        }

        _facesCovered = !_engine.FailsClosed ? 0 : _coverNotice is not null ? _facesFound : _appliedCount;
    }

    /// <summary>Counts the faces the library named and, for privacy, keeps only the faces its rule covers (everyone, all but the listed, only the listed).</summary>
    private void ApplyIdentityRules()
    {
        int kept = 0;
        bool privacy = _engine.FailsClosed;
        for (int i = 0; i < _appliedCount; i++)
        {
            _facesKnown += _applied[i].Identity is null ? 0 : 1;
            if (!privacy || PrivacyRule.Covers(_applied[i], _settings))
            {
                _applied[kept++] = _applied[i];
            }
        }

        _appliedCount = kept;
        if (privacy)
        {
            AppendCovers();
        }
    }

    /// <summary>
    /// Privacy covers every face found, not only those the per-face budget analysed: the boxes of
    /// faces over the budget, found in turned views or tiles, or lost and coasting join the applied
    /// faces as box-only faces (nobody recognised them, so every rule covers them).
    /// </summary>
    private void AppendCovers()
    {
        AnalysisResult result = _results.Consumer;
        ReadOnlySpan<BoxF> covers = result.Covers;
        if (_appliedCount + covers.Length > _applied.Length)
        {
            Array.Resize(ref _applied, Math.Max(_appliedCount + covers.Length, _applied.Length * 2)); // only when a frame has more faces than any before
        }

        float s = result.Scale;
        foreach (BoxF b in covers)
        {
            ref Face f = ref _applied[_appliedCount++];
            f.Box = new BoxF(b.Left * s, b.Top * s, b.Right * s, b.Bottom * s);
            f.Score = 1;
            f.HasKeypoints = f.HasLandmarks = f.HasMesh = f.HasRoll = f.HasPose = f.Recognised = false;
            f.TrackId = 0;
            f.Identity = null;
            f.Velocity = default;
        }
    }

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

    private static ErrorKind KindOf(Exception e) => e is AispException a ? a.Kind : ErrorKind.Internal;

    /// <summary>Runs the engine in use on the frame with the faces <see cref="TakeNewest"/> prepared.</summary>
    private string? ApplyQualityAndRun(in Frame frame)
    {
        if (_engineQuality != _governor.Level)
        {
            _engineQuality = _governor.Level;
            _engine.SetQuality(_engineQuality);
        }

        if (!SwapsFaces(_engine))
        {
            return _engine.Apply(frame, _applied.AsSpan(0, _appliedCount), null, _results.Consumer.Crops);
        }

        string? notice = null;
        foreach (SourceGroup g in _groups.Groups)
        {
            string? said = _engine.Apply(frame, _applied.AsSpan(g.Start, g.Count), g.Source, _results.Consumer.Crops);
            notice ??= said;
        }

        return notice;
    }

    private static bool SwapsFaces(IFrameEngine engine) => (engine.Needs & EngineNeeds.SourceFace) != 0;

    /// <summary>For a swap engine: puts the applied faces in runs by the source face each gets, leaving out faces left alone (swap_unknown "leave").</summary>
    private void ArrangeSources()
    {
        if (SwapsFaces(_engine))
        {
            _appliedCount = _groups.Arrange(_applied.AsSpan(0, _appliedCount), Volatile.Read(ref _sources), _settings.SwapUnknown == SwapUnknownModes.Default);
        }
    }

    /// <summary>
    /// Switches to the engine Update chose as soon as an analysis result serves it (a swap engine
    /// needs landmarks that a privacy result lacks, the inswapper its prepared crops): until then frames keep the old engine, so no
    /// frame is ever half one engine and half the other, or left unfiltered by the switch.
    /// </summary>
    private void SwitchEngineWhenServed(AnalysisResult result)
    {
        IFrameEngine? next = Volatile.Read(ref _nextEngine);
        EngineNeeds analysed = next is null ? EngineNeeds.None : next.Needs & (EngineNeeds.Landmarks | EngineNeeds.Prepared);
        EngineNeeds provided = result.Provides;
        if ((analysed & EngineNeeds.Prepared) != 0 && !ReferenceEquals(result.PreparedFor, next))
        {
            provided &= ~EngineNeeds.Prepared; // crops of another engine (chosen before a quick switch away and back)
        }

        // An engine that fails closed takes over at once: until analysis serves it, it covers the frame whole.
        if (next is null || (!next.FailsClosed && (analysed & ~provided) != 0) || Interlocked.CompareExchange(ref _nextEngine, null, next) != next)
        {
            return;
        }

        IFrameEngine old = _engine;
        _engine = next;
        _engineQuality = (QualityLevel)(-1);
        _chooser.Reset(); // another engine, other costs
        if (_worker is null)
        {
            old.Dispose();
        }
        else
        {
            Interlocked.Exchange(ref _retired, old)?.Dispose(); // the worker disposes it, off the frame thread
        }
    }

    private void DisposeRetired() => Interlocked.Exchange(ref _retired, null)?.Dispose();

    private void ObserveBudget(long timestampNs, double applyMs)
    {
        if (_lastFrameNs >= 0 && timestampNs > _lastFrameNs)
        {
            double interval = (timestampNs - _lastFrameNs) / 1e6;
            _frameIntervalMs = (_frameIntervalMs * 0.9) + (Math.Clamp(interval, 1, 1000) * 0.1);
        }

        _lastFrameNs = timestampNs;
        _governor.Observe(_results.Consumer.AnalysisMs + applyMs, _frameIntervalMs);
    }

    private void Swap(PipelineSettings next, AnalysisModels? models, bool newModels, BackgroundMatte? matte)
    {
        AnalysisModels? oldModels;
        BackgroundMatte? oldMatte;
        lock (_analysisGate)
        {
            oldMatte = _matte;
            _matte = matte;
            if (FixedLevel(next) != FixedLevel(_settings))
            {
                _governor = new QualityGovernor(FixedLevel(next));
            }

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
    /// The level the settings fix, or null to adapt. Sync analysis (CLI, QA) has no real-time budget
    /// to adapt to and must give the same output on every run, so "auto" means "quality" there.
    /// </summary>
    private static QualityLevel? FixedLevel(PipelineSettings s) => s.Quality switch
    {
        QualityModes.Quality => QualityLevel.Quality,
        QualityModes.Balanced => QualityLevel.Balanced,
        QualityModes.Performance => QualityLevel.Performance,
        _ when s.Analysis == AnalysisModes.Sync => QualityLevel.Quality,
        _ => null,
    };

    private static bool NeedsModels(IFrameEngine engine) => (engine.Needs & EngineNeeds.Faces) != 0;

    /// <summary>Whether analysis must landmark faces: the engine draws by them, or recognition aligns by them.</summary>
    private static bool NeedsLandmarks(IFrameEngine engine, PipelineSettings s) =>
        (engine.Needs & EngineNeeds.Landmarks) == EngineNeeds.Landmarks || s.UsesIdentities;

    /// <summary>The compositor in effect, for the statistics: "gpu", "cpu", or "auto: ..." while or after choosing.</summary>
    private void PublishCompositor()
    {
        string now = !_engine.DrawsOnGpu || _gpuDisabled || _settings.Compositor == CompositorModes.Cpu ? CompositorModes.Cpu
            : _settings.Compositor == CompositorModes.Gpu ? CompositorModes.Gpu
            : _chooser.State switch { "gpu" => "auto: gpu", "cpu" => "auto: cpu", _ => "auto: trying" };
        Stats.SetCompositor(now);
    }

    private void PublishIdentity(IFrameEngine engine, AnalysisModels? models) =>
        Stats.SetIdentity(engine.Name, models?.Detector.Name ?? "", models?.Detector.ExecutionProvider ?? "cpu");

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
