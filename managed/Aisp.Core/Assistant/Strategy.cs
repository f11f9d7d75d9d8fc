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

        return json;
    }
}
