using System.Text.Json.Nodes;
using Aisp.Core.Inference;

namespace Aisp.Core.Settings;

/// <summary>What kind of value a setting takes.</summary>
public enum SettingKind
{
    Choice,
    Number,
    WholeNumber,
    Boolean,
    Path,
    Colour,
    Names,
    Mappings,
}

/// <summary>A condition on another setting's value under which a setting is shown ("background is blur").</summary>
public sealed record SettingCondition(string Key, IReadOnlyList<string> Values, bool Not = false)
{
    public bool Holds(Func<string, string?> valueOf) => Values.Contains(valueOf(Key) ?? "") != Not;

    /// <summary>{"key", "in" or "not_in": [values]}, and the values once more as one text of lines ("in_text"), for hosts whose data holds no string arrays (OBS's).</summary>
    public JsonObject ToJson() => new()
    {
        ["key"] = Key,
        [Not ? "not_in" : "in"] = new JsonArray(Values.Select(v => (JsonNode)v).ToArray()),
        [Not ? "not_in_text" : "in_text"] = string.Join('\n', Values),
    };
}

/// <summary>
/// One setting: its key, kind, range or choices, default, the engine it belongs to (null: every
/// engine), its label and help (with the OBS locale ids of both and of each choice), when it is
/// shown, how OBS presents it, and whether a user sets it (the assistant must understand every
/// user-facing setting; the others are for the CLI, the ABI and QA).
/// </summary>
public sealed record SettingSpec(string Key, SettingKind Kind, string Label, string? Engine = null, bool UserFacing = true)
{
    public double Min { get; init; }

    public double Max { get; init; }

    /// <summary>A slider's step (numbers); whole numbers step by 1.</summary>
    public double Step { get; init; } = 1;

    /// <summary>Whether a number is a slider (else a spin box).</summary>
    public bool Slider { get; init; } = true;

    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>The default: a string, number or boolean as the JSON of the settings holds it.</summary>
    public JsonNode? Default { get; init; }

    /// <summary>Where the OBS filter starts from another default than the core's (the compositor: measured in OBS, the CPU in files).</summary>
    public JsonNode? ObsDefault { get; init; }

    /// <summary>One sentence for a tooltip or a form's hint.</summary>
    public string Help { get; init; } = "";

    /// <summary>Shown only while every condition holds.</summary>
    public IReadOnlyList<SettingCondition> VisibleWhen { get; init; } = [];

    /// <summary>Whether it is an OBS property (false: the CLI, the ABI and QA only).</summary>
    public bool InObs { get; init; } = true;

    /// <summary>A path: a folder rather than a file.</summary>
    public bool Folder { get; init; }

    /// <summary>A file path's filter in a file dialog ("Images (*.png *.jpg)").</summary>
    public string? FileFilter { get; init; }

    /// <summary>The OBS locale id of the label: the key in PascalCase (privacy_mode: PrivacyMode); help is LocaleId.Help, a choice LocaleId.choice.</summary>
    public string LocaleId => string.Concat(Key.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["key"] = Key,
            ["kind"] = Kind == SettingKind.WholeNumber ? "integer" : Kind.ToString().ToLowerInvariant(),
            ["label"] = Label,
            ["help"] = Help,
            ["locale_id"] = LocaleId,
            ["user_facing"] = UserFacing,
            ["obs"] = InObs,
            ["default"] = Default?.DeepClone(),
        };
        if (ObsDefault is not null)
        {
            json["obs_default"] = ObsDefault.DeepClone();
        }

        if (Engine is not null)
        {
            json["engine"] = Engine;
        }

        if (Kind is SettingKind.Number or SettingKind.WholeNumber)
        {
            json["min"] = Min;
            json["max"] = Max;
            json["step"] = Step;
            json["slider"] = Slider;
        }

        if (Choices.Count > 0)
        {
            json["choices"] = new JsonArray(Choices.Select(c => (JsonNode)c).ToArray());
            json["choices_text"] = string.Join('\n', Choices); // OBS's data loses arrays of strings
        }

        if (Kind == SettingKind.Path)
        {
            json["folder"] = Folder;
            if (FileFilter is not null)
            {
                json["file_filter"] = FileFilter;
            }
        }

        if (VisibleWhen.Count > 0)
        {
            json["visible_when"] = new JsonArray(VisibleWhen.Select(c => (JsonNode)c.ToJson()).ToArray());
        }

        return json;
    }
}

/// <summary>
/// Every setting the core reads, in one list, in the order the OBS properties and the dashboard's
/// form show them: what <see cref="SettingsParser"/> checks values against (ranges, choices), what
/// the assistant's intents are built from, what the ABI exports (aisp_settings_schema) for the OBS
/// plugin to build its defaults, properties and visibility from, and what the server serves at
/// /api/v1/settings/schema for the dashboard's form. Tests hold it against
/// <see cref="PipelineSettings"/>, the plugin's properties and its locale.
/// </summary>
public static class SettingsSchema
{
    private const string Images = "Images (*.png *.jpg *.jpeg *.bmp *.webp *.tga)";
    private const string Onnx = "ONNX (*.onnx)";

    private static readonly string[] Swaps = [EngineNames.Morph, EngineNames.Inswapper];

    private static SettingCondition EngineIs(params string[] engines) => new("engine", engines);

    private static SettingCondition Is(string key, params string[] values) => new(key, values);

    private static SettingCondition IsNot(string key, params string[] values) => new(key, values, Not: true);

    public static readonly IReadOnlyList<SettingSpec> All =
    [
        new("engine", SettingKind.Choice, "Engine") { Choices = EngineNames.All, Default = EngineNames.Privacy, Help = "What the filter does to faces: cover them, swap them, decorate them, or nothing." },
        new("effect_pack", SettingKind.Choice, "Effect pack", EngineNames.Ar)
        {
            Choices = ["glasses", "cat-ears", "mask", "face-paint", "none", "custom"], Default = "glasses", VisibleWhen = [EngineIs(EngineNames.Ar)],
            Help = "The overlay drawn on each face; custom reads your own pack folder.",
        },
        new("effect_pack_path", SettingKind.Path, "Effect pack folder", EngineNames.Ar, UserFacing: false)
        {
            Default = "", Folder = true, VisibleWhen = [EngineIs(EngineNames.Ar), Is("effect_pack", "custom")], Help = "A folder with pack.json and its pictures.",
        },
        new("retouch", SettingKind.WholeNumber, "Skin smoothing", EngineNames.Ar) { Min = 0, Max = 100, Default = 40, VisibleWhen = [EngineIs(EngineNames.Ar)], Help = "How much the skin is smoothed (0: not at all)." },
        new("lip_tint", SettingKind.WholeNumber, "Lip tint", EngineNames.Ar) { Min = 0, Max = 100, Default = 0, VisibleWhen = [EngineIs(EngineNames.Ar)], Help = "How strongly the lips take the lip colour." },
        new("lip_colour", SettingKind.Colour, "Lip colour", EngineNames.Ar) { Default = "#b0304a", VisibleWhen = [EngineIs(EngineNames.Ar)], Help = "The colour of the lip tint." },
        new("eye_tint", SettingKind.WholeNumber, "Eye shadow", EngineNames.Ar) { Min = 0, Max = 100, Default = 0, VisibleWhen = [EngineIs(EngineNames.Ar)], Help = "How strongly the eyelids take the eye shadow colour." },
        new("eye_colour", SettingKind.Colour, "Eye shadow colour", EngineNames.Ar) { Default = "#6a4c93", VisibleWhen = [EngineIs(EngineNames.Ar)], Help = "The colour of the eye shadow." },
        new("background", SettingKind.Choice, "Background") { Choices = BackgroundModes.All, Default = BackgroundModes.None, Help = "What happens behind the people: kept, blurred, replaced by a picture or made transparent." },
        new("background_blur", SettingKind.WholeNumber, "Background blur") { Min = 1, Max = 100, Default = 60, VisibleWhen = [Is("background", BackgroundModes.Blur)], Help = "How strongly the background is blurred." },
        new("background_image", SettingKind.Path, "Background picture")
        {
            Default = "", FileFilter = Images, VisibleWhen = [Is("background", BackgroundModes.Replace)], Help = "The picture shown behind the people.",
        },
        new("background_model", SettingKind.Choice, "Person mask model")
        {
            Choices = BackgroundModels.All, Default = BackgroundModels.Auto, VisibleWhen = [IsNot("background", BackgroundModes.None)],
            Help = "Which model tells people from the background: auto picks by the source's shape (landscape for frames wider than 4:3, general for 4:3, square and portrait); or always one of them.",
        },
        new("source_image", SettingKind.Path, "Source face image", EngineNames.Morph)
        {
            Default = "", FileFilter = Images, VisibleWhen = [EngineIs(Swaps)], Help = "The photo whose face replaces the faces in the picture.",
        },
        new("swap_identities", SettingKind.Mappings, "Face per person", EngineNames.Morph)
        {
            Default = "", VisibleWhen = [EngineIs(Swaps)], Help = "One 'name = picture path' per line: that person (from the face library) gets that face.",
        },
        new("swap_unknown", SettingKind.Choice, "Faces nobody mapped", EngineNames.Morph, UserFacing: false)
        {
            Choices = SwapUnknownModes.All, Default = SwapUnknownModes.Default, VisibleWhen = [EngineIs(Swaps)], Help = "What a face that no line maps gets: the source face, or nothing.",
        },
        new("keep_expression", SettingKind.Boolean, "Keep my eyes and mouth", EngineNames.Morph)
        {
            Default = true, VisibleWhen = [EngineIs(EngineNames.Morph)], Help = "The target's own eyes and mouth show through, so expressions come across.",
        },
        new("swap_model", SettingKind.Path, "Swap model", EngineNames.Inswapper, UserFacing: false)
        {
            Default = "", FileFilter = Onnx, VisibleWhen = [EngineIs(EngineNames.Inswapper)], Help = "Your inswapper_128.onnx (not shipped: its licence is non-commercial).",
        },
        new("recognizer_model", SettingKind.Path, "Recognizer model", EngineNames.Inswapper, UserFacing: false)
        {
            Default = "", FileFilter = Onnx, VisibleWhen = [EngineIs(EngineNames.Inswapper)], Help = "Your w600k_r50.onnx, which reads the source face's identity for the swap model.",
        },
        new("swap_preset", SettingKind.Choice, "Post-processing preset", EngineNames.Inswapper, UserFacing: false)
        {
            Choices = SwapPresets.All, Default = SwapPresets.FaceFusion, VisibleWhen = [EngineIs(EngineNames.Inswapper)], Help = "How the swapped face is blended in, after the tool of that name.",
        },
        new("detector", SettingKind.Choice, "Face detector") { Choices = DetectorNames.All, Default = DetectorNames.Default, Help = "The model that finds faces; UltraFace finds small and grouped faces best." },
        new("confidence", SettingKind.Number, "Detection confidence") { Min = 0.05, Max = 0.99, Step = 0.01, Default = 0.6, Help = "How sure the detector must be; lower finds more faces and more false ones." },
        new("privacy_mode", SettingKind.Choice, "Privacy mode", EngineNames.Privacy) { Choices = ["pixelate", "blur"], Default = "pixelate", VisibleWhen = [EngineIs(EngineNames.Privacy)], Help = "How faces are covered." },
        new("privacy_strength", SettingKind.WholeNumber, "Strength", EngineNames.Privacy) { Min = 1, Max = 100, Default = 50, VisibleWhen = [EngineIs(EngineNames.Privacy)], Help = "How coarse the pixels or how strong the blur." },
        new("privacy_rule", SettingKind.Choice, "Whose faces to cover", EngineNames.Privacy)
        {
            Choices = PrivacyRules.All, Default = PrivacyRules.Everyone, VisibleWhen = [EngineIs(EngineNames.Privacy)], Help = "Everyone, or per person by the face library.",
        },
        new("privacy_identities", SettingKind.Names, "People", EngineNames.Privacy)
        {
            Default = "", VisibleWhen = [EngineIs(EngineNames.Privacy), IsNot("privacy_rule", PrivacyRules.Everyone)], Help = "Names in the face library, comma-separated.",
        },
        new("face_library", SettingKind.Path, "Face library") { Default = "", FileFilter = "Face library (*.db);;All files (*)", Help = "The file `aisp faces add NAME PHOTO` fills; per-person rules and swaps read it." },
        new("recognition_threshold", SettingKind.Number, "Recognition threshold", UserFacing: false) { Min = 0.2, Max = 0.95, Step = 0.01, Default = 0.45, Help = "How alike a face must be to a library entry to count as that person." },
        new("privacy_padding", SettingKind.Number, "Padding around faces", EngineNames.Privacy) { Min = 0, Max = 1, Step = 0.05, Default = 0.2, VisibleWhen = [EngineIs(EngineNames.Privacy)], Help = "How far the cover reaches beyond each face's box." },
        new("execution_provider", SettingKind.Choice, "Inference device") { Choices = ExecutionProviderChoice.SettingValues, Default = ExecutionProviderChoice.Auto, Help = "Where the models run; automatic takes the best one present (the status says which)." },
        new("threads", SettingKind.WholeNumber, "CPU threads for inference", UserFacing: false) { Min = 1, Max = SettingsParser.MaxThreads, Slider = false, Default = 1, Help = "Threads each model may use on the CPU." },
        new("landmarks", SettingKind.Choice, "Landmarks", UserFacing: false) { Choices = LandmarkModels.All, Default = LandmarkModels.SixtyEight, Help = "The face's points: the 468-point mesh holds at any roll, the 68-point model is lighter." },
        new("stabilize", SettingKind.Boolean, "Stabilise landmarks") { Default = true, Help = "Smooths the face's points from frame to frame (less jitter)." },
        new("smoothing", SettingKind.Number, "Smoothing") { Min = 0, Max = 1, Step = 0.05, Default = 0.5, Help = "Higher is steadier but slower to follow." },
        new("quality", SettingKind.Choice, "Quality") { Choices = QualityModes.All, Default = QualityModes.Auto, Help = "How often faces are searched; automatic adapts to the frame budget." },
        new("compositor", SettingKind.Choice, "Draw the result")
        {
            Choices = CompositorModes.All, Default = CompositorModes.Cpu, ObsDefault = CompositorModes.Auto, Help = "Where the result is drawn; automatic measures both and keeps the one that costs OBS less.",
        },
        new("analysis", SettingKind.Choice, "Analysis", UserFacing: false) { Choices = AnalysisModes.All, Default = AnalysisModes.Sync, InObs = false, Help = "sync analyses each frame before drawing it (files); async on a thread of its own (OBS)." },
        new("effects_dir", SettingKind.Path, "Effect packs folder", EngineNames.Ar, UserFacing: false) { Default = "", Folder = true, InObs = false, Help = "Where the shipped effect packs are." },
        new("models_dir", SettingKind.Path, "Models folder", UserFacing: false) { Default = "", Folder = true, InObs = false, Help = "Where the models are (default: beside the core, or AISP_MODELS_DIR)." },
    ];

    private static readonly Dictionary<string, SettingSpec> ByKey = All.ToDictionary(s => s.Key, StringComparer.Ordinal);

    public static SettingSpec? Find(string key) => ByKey.GetValueOrDefault(key);

    /// <summary>"'enigne' is not a setting (did you mean 'engine'?)": the message for an unknown key, naming the nearest known one when one is close.</summary>
    public static string UnknownKey(string key)
    {
        (string Key, int Distance) nearest = All.Select(s => (s.Key, Distance: Edits(key.ToLowerInvariant(), s.Key))).MinBy(p => p.Distance);
        return nearest.Distance <= Math.Max(2, key.Length / 3) ? $"'{key}' is not a setting (did you mean '{nearest.Key}'?)" : $"'{key}' is not a setting";
    }

    /// <summary>Levenshtein distance: how many letters to add, drop or change.</summary>
    private static int Edits(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            row[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }

    /// <summary>The schema as JSON: {"settings": [...]} in the order above.</summary>
    public static JsonObject ToJson() => new() { ["settings"] = new JsonArray(All.Select(s => (JsonNode)s.ToJson()).ToArray()) };
}
