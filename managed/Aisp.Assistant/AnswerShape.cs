using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aisp.Core;
using Aisp.Core.Assistant;
using Aisp.Core.Settings;

namespace Aisp.Assistant;

/// <summary>
/// The JSON a language model must answer with: each setting it may change as a choice among fixed
/// values ("keep" leaves it alone), the people to name from the face library, and one short reason.
/// Given both as a JSON schema (Ollama's structured output) and as a GBNF grammar (llama.cpp), so a
/// model cannot answer in another shape; the answer is still validated before anything is applied.
/// Every field is required, in order, with no free whitespace: the grammar is finite, so even a
/// model that babbles stops.
/// </summary>
public sealed class AnswerShape
{
    public const string Keep = "keep";
    public const int MaxReason = 120;

    private static readonly (string Key, string[] Values)[] Fields =
    [
        ("engine", [Keep, EngineNames.Privacy, EngineNames.Morph, EngineNames.Inswapper, EngineNames.None]),
        ("quality", [Keep, QualityModes.Quality, QualityModes.Balanced, QualityModes.Performance]),
        ("smoothing", [Keep, "0.5", "0.7", "0.9"]),
        ("keep_expression", [Keep, "true", "false"]),
        ("privacy_mode", [Keep, "blur", "pixelate"]),
        ("privacy_rule", [Keep, PrivacyRules.Everyone, PrivacyRules.ExceptListed, PrivacyRules.OnlyListed]),
    ];

    private readonly List<string> _people;

    /// <param name="people">The face library's names: the only ones an answer may list.</param>
    public AnswerShape(IReadOnlyList<string> people) => _people = people.Where(p => p.Length > 0 && !p.Any(char.IsControl)).Distinct(StringComparer.Ordinal).ToList();

    public JsonElement JsonSchema()
    {
        var properties = new JsonObject();
        foreach ((string key, string[] values) in Fields)
        {
            properties[key] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(values.Select(v => (JsonNode)v).ToArray()) };
        }

        properties["privacy_identities"] = new JsonObject
        {
            ["type"] = "array",
            ["items"] = _people.Count == 0 ? new JsonObject { ["type"] = "string", ["maxLength"] = 0 } : new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(_people.Select(v => (JsonNode)v).ToArray()) },
            ["maxItems"] = _people.Count,
        };
        properties["reason"] = new JsonObject { ["type"] = "string", ["maxLength"] = MaxReason };
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = new JsonArray([.. Fields.Select(f => (JsonNode)f.Key), "privacy_identities", "reason"]),
            ["additionalProperties"] = false,
        };
        return JsonSerializer.SerializeToElement(schema);
    }

    public string Gbnf()
    {
        var g = new StringBuilder();
        g.Append("root ::= \"{\"");
        for (int i = 0; i < Fields.Length; i++)
        {
            g.Append(" \"\\\"").Append(Fields[i].Key).Append("\\\":\" f").Append(i).Append(" \",\"");
        }

        g.Append(" \"\\\"privacy_identities\\\":[\" people \"],\\\"reason\\\":\\\"\" reason \"\\\"}\"\n");
        for (int i = 0; i < Fields.Length; i++)
        {
            g.Append('f').Append(i).Append(" ::= ").AppendJoin(" | ", Fields[i].Values.Select(v => Literal($"\"{v}\""))).Append('\n');
        }

        // Each name at most once would need a grammar per subset; at most as many names as the library has is enough (duplicates are removed when read).
        g.Append(_people.Count == 0 ? "people ::= \"\"\n" : $"people ::= (name (\",\" name){{0,{_people.Count - 1}}})?\nname ::= {string.Join(" | ", _people.Select(p => Literal(JsonSerializer.Serialize(p))))}\n");
        g.Append("reason ::= [a-zA-Z0-9 ,.%]{0,").Append(MaxReason).Append("}\n");
        return g.ToString();
    }

    /// <summary>
    /// Reads a model's answer into strategy choices, or throws AispException saying what is wrong:
    /// not JSON, a field missing or outside its values, a name not in the library, settings the core refuses.
    /// </summary>
    /// <summary>Whether the answer's shape holds <paramref name="setting"/> (the rules choose the others: background, AR, strengths, pictures).</summary>
    public static bool Covers(string setting) => setting == "privacy_identities" || Fields.Any(f => f.Key == setting);

    public List<StrategyChoice> Read(string answer, SystemStatus status, Strategy rules)
    {
        JsonObject json;
        try
        {
            json = JsonNode.Parse(Unfence(answer)) as JsonObject ?? throw Invalid("the answer is not a JSON object");
        }
        catch (JsonException e)
        {
            throw Invalid($"the answer is not JSON ({e.Message})");
        }

        string reason = (string?)json["reason"] is { } r ? r.Trim() : "";
        reason = reason.Length is > 0 and <= 300 ? reason : "the model gave no reason";
        var choices = new List<StrategyChoice>();
        foreach ((string key, string[] values) in Fields)
        {
            string value = json[key] is JsonValue v && v.TryGetValue(out string? s) ? s : throw Invalid($"\"{key}\" is missing or not a string");
            if (!values.Contains(value))
            {
                throw Invalid($"\"{key}\" is \"{value}\", not one of {string.Join(", ", values)}");
            }

            if (value == Keep)
            {
                continue;
            }

            JsonNode node = key switch
            {
                "smoothing" => JsonValue.Create(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture)),
                "keep_expression" => JsonValue.Create(value == "true"),
                _ => JsonValue.Create(value),
            };
            choices.Add(new StrategyChoice(key, node, reason, RulesCandidate(rules, key)));
        }

        if (json["privacy_identities"] is not JsonArray listed)
        {
            throw Invalid("\"privacy_identities\" is missing or not a list");
        }

        var names = new List<string>();
        foreach (JsonNode? n in listed)
        {
            string name = n is JsonValue nv && nv.TryGetValue(out string? s) ? s : throw Invalid("\"privacy_identities\" holds something other than names");
            names.Add(_people.Contains(name) ? name : throw Invalid($"\"{name}\" is not in the face library"));
        }

        string rule = (string?)choices.FirstOrDefault(c => c.Setting == "privacy_rule")?.Value ?? "";
        if (rule is PrivacyRules.ExceptListed or PrivacyRules.OnlyListed)
        {
            // A rule that names nobody, or a filter that cannot recognise anyone, would uncover faces it means to cover.
            bool library = status.Current["face_library"] is JsonValue lib && lib.TryGetValue(out string? path) && path.Length > 0;
            if (names.Count == 0 || !library)
            {
                throw Invalid($"privacy_rule {rule} needs named people and a face library on the filter");
            }

            choices.Add(new StrategyChoice("privacy_identities", new JsonArray(names.Distinct(StringComparer.Ordinal).Select(x => (JsonNode)x).ToArray()), reason, _people.ToList()));
        }

        if ((string?)choices.FirstOrDefault(c => c.Setting == "engine")?.Value == EngineNames.Inswapper && !status.SwapWeightsConfigured)
        {
            throw Invalid("engine inswapper needs its weights (swap_model), which this filter has not");
        }

        var settings = new JsonObject();
        choices.ForEach(c => settings[c.Setting] = c.Value?.DeepClone());
        StrategyPlanner.Validate(settings, status.Current);
        return choices;
    }

    private static IReadOnlyList<string> RulesCandidate(Strategy rules, string key) =>
        rules.Choices.FirstOrDefault(c => c.Setting == key) is { } c ? [$"rules: {c.Value?.ToJsonString()} ({c.Reason})"] : ["rules: leave as is"];

    /// <summary>Models like to wrap JSON in a Markdown fence; the content is what counts.</summary>
    private static string Unfence(string text)
    {
        string t = text.Trim();
        if (t.StartsWith("```", StringComparison.Ordinal))
        {
            int start = t.IndexOf('\n');
            int end = t.LastIndexOf("```", StringComparison.Ordinal);
            t = start > 0 && end > start ? t[(start + 1)..end] : t;
        }

        return t;
    }

    /// <summary>A GBNF string literal for a text (quotes and backslashes escaped).</summary>
    private static string Literal(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static AispException Invalid(string message) => new(ErrorKind.InvalidSettings, "the model's answer: " + message);
}
