using System.Text.Json;
using System.Text.Json.Nodes;
using Aisp.Core.Identities;

namespace Aisp.Core.Assistant;

/// <summary>
/// The assistant as a host (the OBS plugin's vendor request "Suggest") calls it through the C ABI:
/// rules only (no language model runs inside OBS), from the filter's settings and numbers the host
/// gives, plus what the core sees itself: ONNX Runtime's providers, the machine's CPU load, the
/// filter's face library and this machine's strategy history.
/// </summary>
public static class HostSuggestion
{
    /// <param name="statusJson">{"current": the filter's settings, "fps", "latency_p95_ms", "me": the user's name in the library} (all optional).</param>
    public static string Plan(string instruction, string? statusJson)
    {
        if (string.IsNullOrWhiteSpace(instruction) || instruction.Length > 1000)
        {
            throw new AispException(ErrorKind.InvalidArgument, "the instruction must be 1 to 1000 characters");
        }

        JsonObject given;
        try
        {
            given = string.IsNullOrWhiteSpace(statusJson) ? [] : JsonNode.Parse(statusJson) as JsonObject ?? throw new AispException(ErrorKind.InvalidArgument, "the status must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new AispException(ErrorKind.InvalidArgument, $"the status is not JSON: {e.Message}", e);
        }

        JsonObject current = given["current"] as JsonObject is { } c ? c.DeepClone().AsObject() : [];
        double? Number(string key) => given[key] is JsonValue v && v.TryGetValue(out double d) && d > 0 ? d : null;
        SystemStatus status = SystemStatus.Probe(TimeSpan.FromMilliseconds(100), probeGpu: false) with
        {
            Current = current,
            Fps = Number("fps"),
            LatencyP95Ms = Number("latency_p95_ms"),
            SelfName = (string?)given["me"],
            KnownPeople = People((string?)current["face_library"]),
        };
        string history = StrategyHistory.DefaultPath();
        IReadOnlyList<HistoryRecord> records = File.Exists(history) ? StrategyHistory.Open(history).Recent() : [];
        Strategy strategy = StrategyPlanner.Plan(instruction, InstructionRules.Parse(instruction, status.KnownPeople), status, records);
        JsonObject json = strategy.ToJson();
        if (strategy.Understood != "all")
        {
            // OBS's data objects hold no arrays of strings: the host's answer carries these as text too.
            json["not_understood_text"] = string.Join(", ", strategy.NotUnderstood);
            json["can_do_text"] = string.Join("\n", strategy.CanDo);
        }

        return json.ToJsonString();
    }

    private static List<string> People(string? library)
    {
        if (string.IsNullOrEmpty(library) || !File.Exists(library))
        {
            return [];
        }

        using FaceLibrary faces = FaceLibrary.Open(library, create: false, readOnly: true);
        return faces.List().Select(r => r.Name).ToList();
    }
}
