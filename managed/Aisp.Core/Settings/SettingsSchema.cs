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

/// <summary>
/// One setting: its key, kind, range or choices, the engine it belongs to (null: every engine), its
/// label, and whether a user sets it (the assistant must understand every user-facing setting;
/// the others are for the CLI, the ABI and QA).
/// </summary>
public sealed record SettingSpec(string Key, SettingKind Kind, string Label, string? Engine = null, bool UserFacing = true)
{
    public double Min { get; init; }

    public double Max { get; init; }

    public IReadOnlyList<string> Choices { get; init; } = [];

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["key"] = Key, ["kind"] = Kind == SettingKind.WholeNumber ? "integer" : Kind.ToString().ToLowerInvariant(), ["label"] = Label, ["user_facing"] = UserFacing };
        if (Engine is not null)
        {
            json["engine"] = Engine;
        }

        if (Kind is SettingKind.Number or SettingKind.WholeNumber)
        {
            json["min"] = Min;
            json["max"] = Max;
        }

        if (Choices.Count > 0)
        {
            json["choices"] = new JsonArray(Choices.Select(c => (JsonNode)c).ToArray());
        }

        return json;
    }
}

/// <summary>
/// Every setting the core reads (<see cref="SettingsParser"/> checks values against the same
/// ranges and choices), in one list: what the assistant's intents are built from, what the server
/// serves at /api/v1/settings/schema, and what a test holds against <see cref="PipelineSettings"/>
/// so a new setting cannot be left out.
/// </summary>
public static class SettingsSchema
{
    public static readonly IReadOnlyList<SettingSpec> All =
    [
        new("engine", SettingKind.Choice, "Engine") { Choices = EngineNames.All },
        new("detector", SettingKind.Choice, "Face detector") { Choices = DetectorNames.All },
        new("confidence", SettingKind.Number, "Detection confidence") { Min = 0.05, Max = 0.99 },
        new("privacy_mode", SettingKind.Choice, "Privacy mode", EngineNames.Privacy) { Choices = ["pixelate", "blur"] },
        new("privacy_strength", SettingKind.WholeNumber, "Strength", EngineNames.Privacy) { Min = 1, Max = 100 },
        new("privacy_padding", SettingKind.Number, "Padding around faces", EngineNames.Privacy) { Min = 0, Max = 1 },
        new("privacy_rule", SettingKind.Choice, "Whose faces to cover", EngineNames.Privacy) { Choices = PrivacyRules.All },
        new("privacy_identities", SettingKind.Names, "People", EngineNames.Privacy),
        new("face_library", SettingKind.Path, "Face library"),
        new("recognition_threshold", SettingKind.Number, "Recognition threshold", UserFacing: false) { Min = 0.2, Max = 0.95 },
        new("source_image", SettingKind.Path, "Source face image", EngineNames.Morph),
        new("swap_identities", SettingKind.Mappings, "Face per person", EngineNames.Morph),
        new("swap_unknown", SettingKind.Choice, "Faces nobody mapped", EngineNames.Morph, UserFacing: false) { Choices = SwapUnknownModes.All },
        new("keep_expression", SettingKind.Boolean, "Keep my eyes and mouth", EngineNames.Morph),
        new("swap_model", SettingKind.Path, "Swap model", EngineNames.Inswapper, UserFacing: false),
        new("recognizer_model", SettingKind.Path, "Recognizer model", EngineNames.Inswapper, UserFacing: false),
        new("swap_preset", SettingKind.Choice, "Post-processing preset", EngineNames.Inswapper, UserFacing: false) { Choices = SwapPresets.All },
        new("stabilize", SettingKind.Boolean, "Stabilise landmarks"),
        new("smoothing", SettingKind.Number, "Smoothing") { Min = 0, Max = 1 },
        new("landmarks", SettingKind.Choice, "Landmarks", UserFacing: false) { Choices = LandmarkModels.All },
        new("quality", SettingKind.Choice, "Quality") { Choices = QualityModes.All },
        new("compositor", SettingKind.Choice, "Draw the result") { Choices = CompositorModes.All },
        new("execution_provider", SettingKind.Choice, "Inference device") { Choices = ExecutionProviderChoice.SettingValues },
        new("threads", SettingKind.WholeNumber, "CPU threads for inference", UserFacing: false) { Min = 1, Max = SettingsParser.MaxThreads },
        new("analysis", SettingKind.Choice, "Analysis", UserFacing: false) { Choices = AnalysisModes.All },
        new("effect_pack", SettingKind.Choice, "Effect pack", EngineNames.Ar) { Choices = ["glasses", "cat-ears", "mask", "face-paint", "none", "custom"] },
        new("effect_pack_path", SettingKind.Path, "Effect pack folder", EngineNames.Ar, UserFacing: false),
        new("effects_dir", SettingKind.Path, "Effect packs folder", EngineNames.Ar, UserFacing: false),
        new("retouch", SettingKind.WholeNumber, "Skin smoothing", EngineNames.Ar) { Min = 0, Max = 100 },
        new("lip_tint", SettingKind.WholeNumber, "Lip tint", EngineNames.Ar) { Min = 0, Max = 100 },
        new("lip_colour", SettingKind.Colour, "Lip colour", EngineNames.Ar),
        new("eye_tint", SettingKind.WholeNumber, "Eye shadow", EngineNames.Ar) { Min = 0, Max = 100 },
        new("eye_colour", SettingKind.Colour, "Eye shadow colour", EngineNames.Ar),
        new("background", SettingKind.Choice, "Background") { Choices = BackgroundModes.All },
        new("background_blur", SettingKind.WholeNumber, "Background blur") { Min = 1, Max = 100 },
        new("background_image", SettingKind.Path, "Background picture"),
        new("background_model", SettingKind.Choice, "Person mask model") { Choices = BackgroundModels.All },
        new("models_dir", SettingKind.Path, "Models folder", UserFacing: false),
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
