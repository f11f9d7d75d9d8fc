using System.Text.Json.Nodes;

namespace Aisp.Core.Assistant;

/// <summary>One setting the strategy sets: its value, why, and the options it weighed (each with its reason).</summary>
public sealed record StrategyChoice(string Setting, JsonNode? Value, string Reason, IReadOnlyList<string> Candidates)
{
    public JsonObject ToJson() => new()
    {
        ["setting"] = Setting,
        ["value"] = Value?.DeepClone(),
        ["reason"] = Reason,
        ["candidates"] = new JsonArray(Candidates.Select(c => (JsonNode)c).ToArray()),
    };
}

/// <summary>
/// A processing strategy: a settings change (validated like any settings update) with a one-line
/// reason per choice, who made it (the rules or a model), and what the planner knew.
/// </summary>
public sealed record Strategy(string Instruction, string Planner, IReadOnlyList<StrategyChoice> Choices, SystemStatus Status)
{
    /// <summary>Why a model's answer was not used, when the rules stood in for it.</summary>
    public string? Fallback { get; init; }

    /// <summary>The model's raw answer, when a model was asked (QA sees what it said, used or not).</summary>
    public string? ModelAnswer { get; init; }

    /// <summary>The instruction's words no rule understood.</summary>
    public IReadOnlyList<string> NotUnderstood { get; init; } = [];

    /// <summary>Nothing in the instruction asked for anything the assistant can do.</summary>
    public bool NothingUnderstood { get; init; }

    /// <summary>"en" or "zh": the language of the reasons and of <see cref="CanDo"/>.</summary>
    public string Language { get; init; } = "en";

    /// <summary>"all", "partly" (some words were not understood; the rest is in the settings) or "nothing".</summary>
    public string Understood => NothingUnderstood ? "nothing" : NotUnderstood.Count > 0 ? "partly" : "all";

    /// <summary>What the assistant can do, in the instruction's language: the answer to an instruction it could not (wholly) read.</summary>
    public IReadOnlyList<string> CanDo => Language == "zh"
        ? ["遮挡人脸：模糊或马赛克，所有人、除了我、只遮某人；强度和范围", "换脸：用一张照片换脸，保留表情，更平滑",
           "背景：虚化、换成图片、透明（抠图）", "AR：眼镜、猫耳、面具、脸部彩绘，磨皮，口红和眼影颜色",
           "画质和流畅度，检测远处的小脸，显示人脸关键点，关闭滤镜"]
        : ["cover faces: blur or pixelate, everyone, everyone except me, only someone; stronger, bigger area", "swap faces: with a photo, keep my expression, smoother",
           "background: blur, replace with a picture, transparent (cut out)", "AR: glasses, cat ears, a mask, face paint; smooth skin, lipstick and eye shadow colours",
           "quality or speed, catch small faces in a crowd, show the face landmarks, turn the filter off"];

    public JsonObject Settings
    {
        get
        {
            var settings = new JsonObject();
            foreach (StrategyChoice c in Choices)
            {
                settings[c.Setting] = c.Value?.DeepClone();
            }

            return settings;
        }
    }

    /// <summary>The engine and quality the strategy leads to (its own, else the filter's current): what history is kept by.</summary>
    public (string Engine, string Quality) Configuration(JsonObject current)
    {
        JsonObject s = Settings;
        string Get(string key, string fallback) => (string?)(s[key] ?? current[key]) ?? fallback;
        return (Get("engine", Aisp.Core.Settings.EngineNames.Privacy), Get("quality", "auto"));
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["instruction"] = Instruction,
            ["planner"] = Planner,
            ["settings"] = Settings,
            ["choices"] = new JsonArray(Choices.Select(c => (JsonNode)c.ToJson()).ToArray()),
            ["status"] = Status.ToJson(),
        };
        if (Fallback is not null)
        {
            json["fallback"] = Fallback;
        }

        if (ModelAnswer is not null)
        {
            json["model_answer"] = ModelAnswer;
        }

        json["understood"] = Understood;
        if (Understood != "all")
        {
            json["not_understood"] = new JsonArray(NotUnderstood.Select(w => (JsonNode)w).ToArray());
            json["can_do"] = new JsonArray(CanDo.Select(w => (JsonNode)w).ToArray());
        }

        return json;
    }
}
