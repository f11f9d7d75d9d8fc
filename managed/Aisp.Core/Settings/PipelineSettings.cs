namespace Aisp.Core.Settings;

/// <summary>
/// Everything the pipeline can be told, as one immutable value. The JSON keys (flat, snake_case)
/// are the same in the OBS properties, the C ABI, the CLI and, later, remote control.
/// </summary>
public sealed record PipelineSettings
{
    public string Engine { get; init; } = EngineNames.Privacy;
    public string Detector { get; init; } = DetectorNames.Default;
    public float Confidence { get; init; } = 0.6f;
    public PrivacyMode PrivacyMode { get; init; } = PrivacyMode.Pixelate;

    /// <summary>1..100: how coarse the pixelation or how wide the blur, relative to the face.</summary>
    public int PrivacyStrength { get; init; } = 50;

    /// <summary>Extra margin around each face box, as a fraction of its size.</summary>
    public float PrivacyPadding { get; init; } = 0.2f;

    /// <summary>Smooth landmarks over time (One Euro filter) so a still face does not jitter.</summary>
    public bool Stabilize { get; init; } = true;

    /// <summary>
    /// Where the 68 landmarks come from: "68" (the 68-point model: upright faces; what recognition's
    /// threshold is calibrated on) or "mesh" (read off the 468-point mesh: any roll, upside down too).
    /// </summary>
    public string Landmarks { get; init; } = LandmarkModels.SixtyEight;

    /// <summary>0..1: how strongly stabilisation holds a still face (0.5: a 1 Hz One Euro cutoff; 0.9: 0.16 Hz, smoother and slower to settle).</summary>
    public float Smoothing { get; init; } = 0.5f;

    /// <summary>Path of the source face picture, as the host named it. Hosts decode it and hand the pixels over.</summary>
    public string SourceImage { get; init; } = "";

    /// <summary>Morph: keep the target's own eyes and mouth interior so blinks and speech come through.</summary>
    public bool KeepExpression { get; init; } = true;

    /// <summary>Inswapper: user-supplied inswapper_128.onnx (Deep-Live-Cam, FaceFusion and roop use the same file).</summary>
    public string SwapModel { get; init; } = "";

    /// <summary>Inswapper: user-supplied ArcFace recogniser (w600k_r50.onnx).</summary>
    public string RecognizerModel { get; init; } = "";

    public string SwapPreset { get; init; } = SwapPresets.FaceFusion;

    /// <summary>"sync": analysis inline (CLI, QA: deterministic); "async": on the pipeline's worker (OBS). Fixed at creation.</summary>
    public string Analysis { get; init; } = AnalysisModes.Sync;

    /// <summary>"auto" adapts to the frame budget; or a fixed level.</summary>
    public string Quality { get; init; } = QualityModes.Auto;

    /// <summary>
    /// "cpu": engines paint the frame in memory (CLI, QA, any host). "gpu": a host with a graphics
    /// API (OBS) draws the result in its render pass through aisp_render; engines without a GPU
    /// drawer still paint on the CPU. "auto": whichever costs the graphics thread less, measured
    /// (<see cref="Pipeline.CompositorChooser"/>).
    /// </summary>
    public string Compositor { get; init; } = CompositorModes.Cpu;

    /// <summary>The face library (SQLite file) whose identities the rules name; "" for none (every face is unknown).</summary>
    public string FaceLibrary { get; init; } = "";

    /// <summary>Cosine at which a face counts as an enrolled person (see Identities.Embedding.DefaultThreshold).</summary>
    public float RecognitionThreshold { get; init; } = Identities.Embedding.DefaultThreshold;

    /// <summary>Which faces privacy covers: everyone, everyone except the listed identities, or only them.</summary>
    public string PrivacyRule { get; init; } = PrivacyRules.Everyone;

    /// <summary>The identities <see cref="PrivacyRule"/> lists, by their names in the face library.</summary>
    public IReadOnlyList<string> PrivacyIdentities { get; init; } = [];

    /// <summary>Swap engines: identity name -> source picture path (the host decodes each and hands it over, aisp_set_identity_source).</summary>
    public IReadOnlyDictionary<string, string> SwapIdentities { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Swap engines, faces without a mapping of their own: "default" swaps them to the source face, "leave" leaves them alone.</summary>
    public string SwapUnknown { get; init; } = SwapUnknownModes.Default;

    /// <summary>Whether faces are recognised: a library is set and a rule depends on who a face is.</summary>
    public bool UsesIdentities => FaceLibrary.Length > 0;

    /// <summary>Whether target faces are landmarked by the 468 mesh: asked for, or the mesh swap, which draws by it.</summary>
    public bool UsesMesh => Landmarks == LandmarkModels.Mesh || Engine == EngineNames.Morph || Engine == EngineNames.Ar;

    /// <summary>What happens behind the person (<see cref="BackgroundModes"/>): nothing, blurred, replaced by <see cref="BackgroundImage"/>, or made transparent. Works with every engine.</summary>
    public string Background { get; init; } = BackgroundModes.None;

    /// <summary>1..100: how strongly the background is blurred (mode "blur").</summary>
    public int BackgroundBlur { get; init; } = 60;

    /// <summary>Path of the picture that replaces the background (mode "replace"), as the host named it; hosts decode it and hand the pixels over.</summary>
    public string BackgroundImage { get; init; } = "";

    /// <summary>Which person mask model (<see cref="BackgroundModels"/>): the landscape one (default, cheaper) or the general square one.</summary>
    public string BackgroundModel { get; init; } = BackgroundModels.Auto;

    /// <summary>AR: a shipped effect pack by name (a folder under <see cref="EffectsDir"/>), "none", or "custom" (<see cref="EffectPackPath"/>).</summary>
    public string EffectPack { get; init; } = "glasses";

    /// <summary>AR: the folder of the user's own pack (pack.json and its pictures), when <see cref="EffectPack"/> is "custom".</summary>
    public string EffectPackPath { get; init; } = "";

    /// <summary>Where the shipped effect packs are: beside the models folder unless told.</summary>
    public string EffectsDir { get; init; } = "";

    /// <summary>AR: skin smoothing strength, 0..100.</summary>
    public int Retouch { get; init; } = 40;

    /// <summary>AR: lip tint strength, 0..100, in <see cref="LipColour"/> (0xRRGGBB).</summary>
    public int LipTint { get; init; }

    public int LipColour { get; init; } = 0xB0304A;

    /// <summary>AR: eye shadow strength, 0..100, in <see cref="EyeColour"/> (0xRRGGBB).</summary>
    public int EyeTint { get; init; }

    public int EyeColour { get; init; } = 0x6A4C93;

    /// <summary>The folder the effect pack setting names, or null for none.</summary>
    public string? EffectPackFolder => EffectPack switch
    {
        "none" or "" => null,
        "custom" => EffectPackPath,
        _ => Path.Combine(EffectsDir.Length > 0 ? EffectsDir : Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(ModelsDir)) ?? ".", "effects"), EffectPack),
    };

    /// <summary>Whether analysis computes a person mask.</summary>
    public bool UsesBackground => Background != BackgroundModes.None;

    public string ModelsDir { get; init; } = DefaultModelsDir();
    public string ExecutionProvider { get; init; } = "auto";
    public int Threads { get; init; } = 1;

    /// <summary>Whether a change from <paramref name="other"/> needs a new detector model.</summary>
    public bool SameDetector(PipelineSettings other) =>
        Detector == other.Detector && ModelsDir == other.ModelsDir && ExecutionProvider == other.ExecutionProvider && Threads == other.Threads
        && FaceLibrary == other.FaceLibrary;

    private static string DefaultModelsDir() =>
        Environment.GetEnvironmentVariable("AISP_MODELS_DIR") is { Length: > 0 } env
            ? env
            : Path.Combine(AppContext.BaseDirectory, "models");
}

public enum PrivacyMode
{
    Pixelate,
    Blur,
}

public static class EngineNames
{
    public const string None = "none";
    public const string Privacy = "privacy";
    public const string Morph = "morph";
    public const string Inswapper = "inswapper";
    public const string Landmarks = "landmarks";
    public const string Ar = "ar";

    public static readonly string[] All = [Privacy, Morph, Inswapper, Ar, Landmarks, None];
}

public static class DetectorNames
{
    /// <summary>
    /// No longer a choice: MediaPipe's short-range model finds only faces near the camera (0 % recall
    /// at 1/12 of the frame width; boxes 1.3-1.4x too wide and keypoints off on group photos). Settings
    /// that still name it get blazeface-back, which the parser substitutes.
    /// </summary>
    public const string BlazeFaceFront = "blazeface-front";
    public const string BlazeFaceBack = "blazeface-back";
    public const string UltraFace = "ultraface";

    /// <summary>The default finds every clearly visible face down to 1/12 of the frame width (see docs/BENCHMARKS.md, recall table).</summary>
    public const string Default = UltraFace;

    public static readonly string[] All = [UltraFace, BlazeFaceBack];
}

/// <summary>Values of the "landmarks" setting.</summary>
public static class LandmarkModels
{
    /// <summary>MediaPipe's 468-point mesh, roll-aware.</summary>
    public const string Mesh = "mesh";

    /// <summary>The faceplugin 68-point model: upright faces only, about a third of the mesh's cost; the default (recognition is calibrated on it).</summary>
    public const string SixtyEight = "68";

    public static readonly string[] All = [Mesh, SixtyEight];
}

/// <summary>Post-processing of the inswapper engine named after the tools whose look it reproduces.</summary>
public static class SwapPresets
{
    /// <summary>Mouth mask (the target's mouth kept), colour transfer, sharpening.</summary>
    public const string DeepLiveCam = "deep-live-cam";

    /// <summary>Box mask with padding and a wide feathered blend.</summary>
    public const string FaceFusion = "facefusion";

    /// <summary>Plain paste-back with a thin feather.</summary>
    public const string Roop = "roop";

    public static readonly string[] All = [DeepLiveCam, FaceFusion, Roop];
}

public static class AnalysisModes
{
    public const string Sync = "sync";
    public const string Async = "async";

    public static readonly string[] All = [Sync, Async];
}

public static class CompositorModes
{
    public const string Cpu = "cpu";
    public const string Gpu = "gpu";
    public const string Auto = "auto";

    public static readonly string[] All = [Auto, Gpu, Cpu];
}

/// <summary>Who the privacy engine covers (with a face library; without one every face is unknown).</summary>
public static class PrivacyRules
{
    public const string Everyone = "everyone";
    public const string ExceptListed = "except_listed";
    public const string OnlyListed = "only_listed";

    public static readonly string[] All = [Everyone, ExceptListed, OnlyListed];
}

/// <summary>What swap engines do with faces no mapping names (unknown, or known and unmapped).</summary>
public static class SwapUnknownModes
{
    public const string Default = "default";
    public const string Leave = "leave";

    public static readonly string[] All = [Default, Leave];
}

public static class QualityModes
{
    public const string Auto = "auto";
    public const string Quality = "quality";
    public const string Balanced = "balanced";
    public const string Performance = "performance";

    public static readonly string[] All = [Auto, Quality, Balanced, Performance];
}

/// <summary>Values of the "background" setting.</summary>
public static class BackgroundModes
{
    public const string None = "none";
    public const string Blur = "blur";
    public const string Replace = "replace";
    public const string Transparent = "transparent";

    public static readonly string[] All = [None, Blur, Replace, Transparent];
}

/// <summary>Values of the "background_model" setting: MediaPipe's selfie segmentation variants (models/manifest.json).</summary>
public static class BackgroundModels
{
    /// <summary>Each frame gets the model its shape suits (<see cref="ForFrame"/>): the default.</summary>
    public const string Auto = "auto";
    public const string Landscape = "landscape";
    public const string General = "general";

    public static readonly string[] All = [Auto, Landscape, General];

    /// <summary>
    /// Frames wider than 4:3 get the landscape model (256x144), 4:3 and narrower ones (square,
    /// portrait) the general one (256x256): each frame goes to the model whose input it fills more
    /// of (4:3 is the geometric middle of 16:9 and 1:1). The landscape model letterboxed onto a
    /// portrait frame sees the person a third as wide and lost feet, arms and shoulders; the general
    /// one on a 3:2 frame lost raised arms the landscape one kept.
    /// </summary>
    public const float LandscapeAbove = 4f / 3;

    /// <summary>The manifest's model name for a fixed setting value.</summary>
    public static string ModelName(string value) => value == General ? "selfie-general" : "selfie-landscape";

    /// <summary>The model a frame of this size gets under <paramref name="setting"/> ("auto" by its shape).</summary>
    public static string ForFrame(string setting, int width, int height) =>
        setting != Auto ? setting : width > LandscapeAbove * height * 1.01f ? Landscape : General;
}
