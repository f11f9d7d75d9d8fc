using System.Text.Json.Nodes;
using Aisp.Core.Assistant;

namespace Aisp.Tests;

/// <summary>One row of the assistant's instruction table: what a user says, the filter's settings then, and what must come out.</summary>
internal sealed record InstructionCase(string Instruction, JsonObject Current, double Cpu, JsonObject Expected, string Understood)
{
    public override string ToString() => Instruction;
}

/// <summary>
/// The instruction table (Assistant/instructions.tsv): English and Chinese, several phrasings per
/// setting, combinations, relative changes and wishes the product cannot grant. Any planner (the
/// rules, a language model) is scored on it the same way.
/// </summary>
internal static class InstructionTable
{
    public static readonly string[] People = ["Alex", "Bob", "Sam Lee"];

    public static IReadOnlyList<InstructionCase> Load()
    {
        var cases = new List<InstructionCase>();
        foreach (string line in File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Assistant", "instructions.tsv")))
        {
            if (line.StartsWith('#') || line.Trim().Length == 0)
            {
                continue;
            }

            string[] f = line.Split('\t');
            JsonObject current = f[1] == "-" ? new JsonObject { ["engine"] = "privacy", ["face_library"] = "/faces.db" } : JsonNode.Parse(f[1])!.AsObject();
            double cpu = 20;
            if (current.Remove("cpu", out JsonNode? load))
            {
                cpu = (double)load!;
            }

            cases.Add(new InstructionCase(f[0], current, cpu, JsonNode.Parse(f[2])!.AsObject(), f[3]));
        }

        return cases;
    }

    public static SystemStatus Status(InstructionCase c) => new()
    {
        CpuPercent = c.Cpu,
        Providers = ["CPUExecutionProvider"],
        Current = (JsonObject)c.Current.DeepClone(),
        KnownPeople = People,
        SelfName = "Alex",
    };

    /// <summary>Why the strategy misses the row, or null when it meets it (every expected key with its value, and how much was understood).</summary>
    public static string? Miss(InstructionCase c, Strategy s, bool checkUnderstood = true)
    {
        JsonObject got = s.Settings;
        var wrong = new List<string>();
        foreach ((string key, JsonNode? want) in c.Expected)
        {
            if (!JsonNode.DeepEquals(got[key], want))
            {
                wrong.Add($"{key} {got[key]?.ToJsonString() ?? "unset"}, expected {want?.ToJsonString()}");
            }
        }

        if (c.Expected.Count == 0 && got.Count > 0)
        {
            wrong.Add($"changed {got.ToJsonString()}, expected nothing");
        }

        if (checkUnderstood && s.Understood != c.Understood)
        {
            wrong.Add($"understood {s.Understood} ({string.Join(" ", s.NotUnderstood)}), expected {c.Understood}");
        }

        return wrong.Count == 0 ? null : $"\"{c.Instruction}\": {string.Join("; ", wrong)}";
    }
}
