using System.Text.Json;
using Aisp.Core.Inference;

namespace Aisp.Core.Settings;

/// <summary>
/// Reads a flat JSON object of settings over a basis (keys left out keep the basis value, so a
/// partial update such as {"engine":"none"} works). Every wrong type, unknown name or
/// out-of-range number is an <see cref="ErrorKind.InvalidSettings"/> naming the key; unknown
/// keys are returned, not rejected, because OBS keeps its own keys in the same object.
/// </summary>
public static class SettingsParser
{
    public static PipelineSettings Parse(string? json, PipelineSettings basis, List<string>? unknownKeys = null)
    {
        // Only a missing or empty text means "keep everything"; anything else must be a JSON object
        // (a string of vertical tabs or form feeds is not JSON, and not an empty settings object).
        if (string.IsNullOrEmpty(json))
        {
            return basis;
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw Invalid($"settings are not valid JSON: {e.Message}");
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("settings must be a JSON object");
            }

            try
            {
                return ParseObject(doc.RootElement, basis, unknownKeys);
            }
            catch (InvalidOperationException)
            {
                // System.Text.Json refuses to turn an escaped lone surrogate ("\ud800") into a string.
                throw Invalid("settings hold a string that is not valid Unicode (a lone surrogate escape)");
            }
        }
    }

    /// <summary>
    /// Parse for a surface that owns the whole object (the CLI, file jobs, the ABI's check, the
    /// assistant): an unknown key is an error naming the nearest known one ("did you mean").
    /// </summary>
    public static PipelineSettings ParseStrict(string? json, PipelineSettings basis)
    {
        var unknown = new List<string>();
        PipelineSettings s = Parse(json, basis, unknown);
        return unknown.Count == 0 ? s : throw Invalid(SettingsSchema.UnknownKey(unknown[0]));
    }

    /// <summary>Most threads a setting may ask for: one range for the parser, the OBS property and the docs.</summary>
    public const int MaxThreads = 16;

    private static PipelineSettings ParseObject(JsonElement root, PipelineSettings basis, List<string>? unknownKeys)
    {
        PipelineSettings s = basis;
        foreach (JsonProperty p in root.EnumerateObject())
        {
            JsonElement v = p.Value;
            s = p.Name switch
            {
                "engine" => s with { Engine = Choice(p) },
                "detector" => s with { Detector = v.ValueKind == JsonValueKind.String && v.GetString() == DetectorNames.BlazeFaceFront ? DetectorNames.BlazeFaceBack : Choice(p) },
                "confidence" => s with { Confidence = (float)Num(p) },
                "privacy_mode" => s with { PrivacyMode = Choice(p) == "blur" ? PrivacyMode.Blur : PrivacyMode.Pixelate },
                "privacy_strength" => s with { PrivacyStrength = (int)Num(p) },
                "privacy_padding" => s with { PrivacyPadding = (float)Num(p) },
                "models_dir" => s with { ModelsDir = Text(p.Name, v) },
                "stabilize" => s with { Stabilize = Bool(p.Name, v) },
                "landmarks" => s with { Landmarks = Choice(p) },
                "smoothing" => s with { Smoothing = (float)Num(p) },
                "source_image" => s with { SourceImage = Text(p.Name, v, allowEmpty: true) },
                "keep_expression" => s with { KeepExpression = Bool(p.Name, v) },
                "swap_model" => s with { SwapModel = Text(p.Name, v, allowEmpty: true) },
                "recognizer_model" => s with { RecognizerModel = Text(p.Name, v, allowEmpty: true) },
                "swap_preset" => s with { SwapPreset = Choice(p) },
                "analysis" => s with { Analysis = Choice(p) },
                "quality" => s with { Quality = Choice(p) },
                "compositor" => s with { Compositor = Choice(p) },
                "execution_provider" => s with { ExecutionProvider = Choice(p) },
                "threads" => s with { Threads = (int)Num(p) },
                "face_library" => s with { FaceLibrary = Text(p.Name, v, allowEmpty: true) },
                "recognition_threshold" => s with { RecognitionThreshold = (float)Num(p) },
                "privacy_rule" => s with { PrivacyRule = Choice(p) },
                "privacy_identities" => s with { PrivacyIdentities = Names(p.Name, v) },
                "swap_identities" => s with { SwapIdentities = Mappings(p.Name, v) },
                "swap_unknown" => s with { SwapUnknown = Choice(p) },
                "background" => s with { Background = Choice(p) },
                "background_blur" => s with { BackgroundBlur = (int)Num(p) },
                "background_image" => s with { BackgroundImage = Text(p.Name, v, allowEmpty: true) },
                "background_model" => s with { BackgroundModel = Choice(p) },
                "effect_pack" => s with { EffectPack = PackName(p.Name, v) },
                "effect_pack_path" => s with { EffectPackPath = Text(p.Name, v, allowEmpty: true) },
                "effects_dir" => s with { EffectsDir = Text(p.Name, v, allowEmpty: true) },
                "retouch" => s with { Retouch = (int)Num(p) },
                "lip_tint" => s with { LipTint = (int)Num(p) },
                "lip_colour" => s with { LipColour = Colour(p.Name, v) },
                "eye_tint" => s with { EyeTint = (int)Num(p) },
                "eye_colour" => s with { EyeColour = Colour(p.Name, v) },
                _ => Unknown(s, p.Name, unknownKeys),
            };
        }

        return s;
    }

    /// <summary>A shipped pack's name (letters, digits, '-', '_'), "none" or "custom": never a path, which effect_pack_path carries.</summary>
    private static string PackName(string key, JsonElement v) =>
        v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 and <= 64 } name && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? name
            : throw Invalid($"'{key}' must name a shipped pack (letters, digits, '-'), \"none\" or \"custom\"");

    /// <summary>A colour as 0xRRGGBB: "#rrggbb", or an OBS colour property's integer (0xAABBGGRR).</summary>
    private static int Colour(string key, JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.String && v.GetString() is { Length: 7 } text && text[0] == '#'
            && int.TryParse(text.AsSpan(1), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out int rgb))
        {
            return rgb;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long abgr) && abgr >= 0 && abgr <= 0xFFFFFFFFL)
        {
            return (int)(((abgr & 0xFF) << 16) | (abgr & 0xFF00) | ((abgr >> 16) & 0xFF));
        }

        throw Invalid($"'{key}' must be a colour: \"#rrggbb\" or an OBS colour number");
    }

    private static PipelineSettings Unknown(PipelineSettings s, string key, List<string>? unknownKeys)
    {
        unknownKeys?.Add(key);
        return s;
    }

    private static string Text(string key, JsonElement v, bool allowEmpty = false) =>
        v.ValueKind == JsonValueKind.String && v.GetString() is { } text && (allowEmpty || text.Length > 0)
            ? text
            : throw Invalid($"'{key}' must be a {(allowEmpty ? "" : "non-empty ")}string");

    /// <summary>Identity names: a JSON array of strings, or one string of names separated by commas or new lines (what an OBS text field holds).</summary>
    private static string[] Names(string key, JsonElement v)
    {
        IEnumerable<string> names = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!.Split([',', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            JsonValueKind.Array => v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()!.Trim() : throw Invalid($"'{key}' must hold names (strings)")),
            _ => throw Invalid($"'{key}' must be a list of names: a JSON array or a comma-separated string"),
        };
        return names.Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The "name = picture path" lines of swap_identities as a map, in their order (the OBS plugin's one parser of them); throws <see cref="AispException"/> like the settings do.</summary>
    public static IReadOnlyDictionary<string, string> IdentityMappings(string text) => ToMap("swap_identities", MappingLines("swap_identities", text));

    /// <summary>
    /// Identity -> picture mappings: a JSON object of strings, or one string of "name = path" lines
    /// (what an OBS text field holds; paths may hold commas, so only new lines separate them).
    /// </summary>
    private static Dictionary<string, string> Mappings(string key, JsonElement v) => ToMap(key, v.ValueKind switch
    {
        JsonValueKind.Object => v.EnumerateObject().Select(p => (p.Name.Trim(), p.Value.ValueKind == JsonValueKind.String
            ? p.Value.GetString()!.Trim() : throw Invalid($"'{key}': the picture of '{p.Name}' must be a path (a string)"))),
        JsonValueKind.String => MappingLines(key, v.GetString()!),
        _ => throw Invalid($"'{key}' must map names to pictures: a JSON object or 'name = picture path' lines"),
    });

    private static IEnumerable<(string Name, string Path)> MappingLines(string key, string text) =>
        text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            int eq = line.IndexOf('=');
            return eq > 0 ? (line[..eq].Trim(), line[(eq + 1)..].Trim()) : throw Invalid($"'{key}': line '{line}' must read 'name = picture path'");
        });

    private static Dictionary<string, string> ToMap(string key, IEnumerable<(string Name, string Path)> pairs)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, string path) in pairs)
        {
            if (name.Length == 0 || path.Length == 0)
            {
                throw Invalid($"'{key}': every mapping needs a name and a picture path");
            }

            if (!map.TryAdd(name, path))
            {
                throw Invalid($"'{key}' maps '{name}' twice");
            }
        }

        return map;
    }

    private static bool Bool(string key, JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Invalid($"'{key}' must be true or false"),
    };

    /// <summary>The setting's spec: its range and choices come from the one schema.</summary>
    private static SettingSpec Spec(string key) => SettingsSchema.Find(key) ?? throw new InvalidOperationException($"{key} is parsed but not in SettingsSchema");

    private static string Choice(JsonProperty p) => OneOf(p.Name, p.Value, Spec(p.Name).Choices);

    private static double Num(JsonProperty p)
    {
        SettingSpec spec = Spec(p.Name);
        return Number(p.Name, p.Value, spec.Min, spec.Max, integer: spec.Kind == SettingKind.WholeNumber);
    }

    private static string OneOf(string key, JsonElement v, IReadOnlyList<string> allowed)
    {
        string text = v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Invalid($"'{key}' must be a string, one of {string.Join(", ", allowed)}");
        return allowed.Contains(text) ? text : throw Invalid($"'{key}' is '{text}'; it must be one of {string.Join(", ", allowed)}");
    }

    private static double Number(string key, JsonElement v, double min, double max, bool integer = false)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d))
        {
            throw Invalid($"'{key}' must be a number");
        }

        if (double.IsNaN(d) || d < min || d > max || (integer && d != Math.Floor(d)))
        {
            throw Invalid($"'{key}' is {v.GetRawText()}; it must be {(integer ? "an integer" : "a number")} from {min} to {max}");
        }

        return d;
    }

    private static AispException Invalid(string message) => new(ErrorKind.InvalidSettings, "invalid settings: " + message);
}
