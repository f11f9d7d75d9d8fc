using System.Globalization;
using System.Text.Json.Nodes;
using Aisp.Core.Settings;

namespace Aisp.Core.Assistant;

/// <summary>
/// Turns the wishes about single settings (<see cref="SettingWishes"/>) into choices: a value as
/// asked, or "more"/"less" applied to the filter's current value within the schema's range; then
/// what those settings need: AR settings need the AR engine (with no pack unless one was asked
/// for), a picture to swap in needs a swap engine. Reasons in the instruction's language.
/// </summary>
public static class SettingChanges
{
    private static readonly string[] ArKeys = ["effect_pack", "retouch", "lip_tint", "lip_colour", "eye_tint", "eye_colour"];

    /// <summary>How far one "more" or "less" moves each number.</summary>
    private static readonly Dictionary<string, double> Steps = new(StringComparer.Ordinal)
    {
        ["privacy_strength"] = 15, ["privacy_padding"] = 0.1, ["confidence"] = 0.1, ["smoothing"] = 0.2, ["background_blur"] = 15,
        ["retouch"] = 20, ["lip_tint"] = 20, ["eye_tint"] = 20,
    };

    private static readonly Dictionary<string, string> ChineseLabels = new(StringComparer.Ordinal)
    {
        ["engine"] = "效果", ["detector"] = "人脸检测器", ["confidence"] = "检测置信度", ["privacy_strength"] = "打码强度", ["privacy_padding"] = "人脸周围的遮挡范围",
        ["face_library"] = "人脸库", ["source_image"] = "换脸照片", ["swap_identities"] = "每个人的换脸照片", ["stabilize"] = "防抖", ["smoothing"] = "平滑度",
        ["quality"] = "画质", ["compositor"] = "绘制方式", ["execution_provider"] = "推理设备", ["effect_pack"] = "特效包", ["retouch"] = "磨皮", ["lip_tint"] = "口红",
        ["lip_colour"] = "口红颜色", ["eye_tint"] = "眼影", ["eye_colour"] = "眼影颜色", ["background"] = "背景", ["background_blur"] = "背景模糊", ["background_image"] = "背景图片",
        ["background_model"] = "人像分割模型",
    };

    public static void Apply(List<StrategyChoice> choices, Intent intent, SystemStatus status, bool zh)
    {
        string T(string en, string chinese) => zh ? chinese : en;
        foreach (SettingWish wish in intent.Changes)
        {
            if (choices.Any(c => c.Setting == wish.Key))
            {
                continue; // the rules above chose it already (or an earlier wish did)
            }

            SettingSpec spec = SettingsSchema.Find(wish.Key)!;
            string label = zh ? ChineseLabels.GetValueOrDefault(wish.Key, spec.Label) : spec.Label.ToLowerInvariant();
            if (wish.Direction != 0)
            {
                double now = Current(status.Current, wish.Key);
                double next = Math.Clamp(now + wish.Direction * Steps[wish.Key], spec.Min, spec.Max);
                JsonNode value = spec.Kind == SettingKind.WholeNumber ? (int)Math.Round(next) : Math.Round(next, 2);
                string from = Show(now), to = value.ToJsonString();
                string how = wish.Direction > 0 ? T("more", "更多") : T("less", "更少");
                choices.Add(new StrategyChoice(wish.Key, value, T($"asked for {how} {label} (\"{wish.Words}\"): {from} → {to}", $"你要求{how}{label}（“{wish.Words}”）：{from} → {to}"),
                    [T($"range {Show(spec.Min)} to {Show(spec.Max)}; each step {Show(Steps[wish.Key])}", $"范围 {Show(spec.Min)} 到 {Show(spec.Max)}；每次调整 {Show(Steps[wish.Key])}")]));
                continue;
            }

            JsonNode? asked = wish.Key == "swap_identities" ? Mappings(status.Current, (JsonObject)wish.Value!) : wish.Value?.DeepClone();
            string shown = asked is JsonValue v && v.TryGetValue(out string? text) ? text : asked?.ToJsonString() ?? "";
            IReadOnlyList<string> candidates = spec.Choices.Count > 0 ? [.. spec.Choices]
                : spec.Kind is SettingKind.Number or SettingKind.WholeNumber ? [T($"range {Show(spec.Min)} to {Show(spec.Max)}", $"范围 {Show(spec.Min)} 到 {Show(spec.Max)}")] : [];
            choices.Add(new StrategyChoice(wish.Key, asked, T($"asked for {label}: {shown} (\"{wish.Words}\")", $"你要求{label}：{shown}（“{wish.Words}”）"), candidates));
        }

        string current = (string?)status.Current["engine"] ?? EngineNames.Privacy;
        StrategyChoice? engineChoice = choices.FirstOrDefault(c => c.Setting == "engine");
        string engine = (string?)engineChoice?.Value ?? current;
        // Only a wish that adds something needs the AR engine: "remove the cat ears" from another engine changes nothing that shows.
        if (engineChoice is null && engine != EngineNames.Ar && choices.Any(c => ArKeys.Contains(c.Setting) && !TakesAway(c.Value)))
        {
            string warning = current == EngineNames.Privacy ? T(" (faces are then no longer covered)", "（人脸将不再被遮挡）") : "";
            choices.Add(new StrategyChoice("engine", EngineNames.Ar, T($"these are AR settings: they need the AR engine{warning}", $"这些是 AR 设置，需要 AR 引擎{warning}"),
                EngineNames.All.Select(e => $"{e}: {StrategyPlanner.Describe(e, zh)}").ToList()));
            if (!choices.Any(c => c.Setting == "effect_pack"))
            {
                choices.Add(new StrategyChoice("effect_pack", "none", T("no glasses, ears or mask: only what you asked for", "不加眼镜、耳朵或面具：只做你要求的"), SettingsSchema.Find("effect_pack")!.Choices));
            }
        }
        else if (engineChoice is null && engine is not (EngineNames.Morph or EngineNames.Inswapper) && choices.Any(c => c.Setting is "source_image" or "swap_identities"))
        {
            choices.Add(new StrategyChoice("engine", EngineNames.Morph, T("a face to swap in needs a swap engine: the mesh swap", "换脸照片需要换脸引擎：网格换脸"),
                [T("morph: the mesh swap, light enough for the CPU", "morph：网格换脸，CPU 也能跑"), T("inswapper: needs its model file and a GPU", "inswapper：需要模型文件和显卡")]));
        }
        else if (engine is EngineNames.Morph or EngineNames.Inswapper && intent.Engine is "swap" && !choices.Any(c => c.Setting is "source_image" or "swap_identities")
            && string.IsNullOrEmpty((string?)status.Current["source_image"]))
        {
            // A hint, not a change: the engine's reason says where the picture comes from.
            int at = choices.FindIndex(c => c.Setting == "engine");
            if (at >= 0)
            {
                choices[at] = choices[at] with { Reason = choices[at].Reason + T("; no face picture is set yet: choose one in the filter's properties (Source face image) or give its path",
                    "；还没有设置换脸照片：请在滤镜属性里选择，或在指令里写出路径") };
            }
        }
    }

    /// <summary>"none" or 0: an AR setting that removes rather than adds.</summary>
    private static bool TakesAway(JsonNode? value) =>
        value is JsonValue v && ((v.TryGetValue(out string? text) && text == "none") || (v.TryGetValue(out int amount) && amount == 0));

    /// <summary>The filter's value of a number setting now, else its default.</summary>
    private static double Current(JsonObject current, string key)
    {
        if (current[key] is JsonValue v && v.TryGetValue(out double d))
        {
            return d;
        }

        var defaults = new PipelineSettings();
        return key switch
        {
            "privacy_strength" => defaults.PrivacyStrength,
            "privacy_padding" => defaults.PrivacyPadding,
            "confidence" => defaults.Confidence,
            "smoothing" => defaults.Smoothing,
            "background_blur" => defaults.BackgroundBlur,
            "retouch" => defaults.Retouch,
            "lip_tint" => defaults.LipTint,
            "eye_tint" => defaults.EyeTint,
            _ => 0,
        };
    }

    /// <summary>The filter's mappings with the new ones added (a later picture for the same name wins).</summary>
    private static JsonObject Mappings(JsonObject current, JsonObject added)
    {
        var merged = new JsonObject();
        if (current["swap_identities"] is JsonObject existing)
        {
            foreach ((string name, JsonNode? picture) in existing)
            {
                merged[name] = picture?.DeepClone();
            }
        }
        else if ((string?)current["swap_identities"] is { } lines)
        {
            foreach (string line in lines.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int eq = line.IndexOf('=');
                if (eq > 0)
                {
                    merged[line[..eq].Trim()] = line[(eq + 1)..].Trim();
                }
            }
        }

        foreach ((string name, JsonNode? picture) in added)
        {
            merged[name] = picture?.DeepClone();
        }

        return merged;
    }

    private static string Show(double d) => Math.Round(d, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
