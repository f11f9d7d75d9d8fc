using System.Reflection;
using System.Text.Json.Nodes;
using Aisp.Core.Assistant;
using Aisp.Core.Settings;
using Xunit.Abstractions;

namespace Aisp.Tests;

/// <summary>
/// The assistant against its instruction table (over 100 everyday instructions, English and
/// Chinese) and the settings schema: every user-facing setting has words and a row, every row's
/// strategy is what the user asked for and valid as a settings change.
/// </summary>
public sealed class AssistantTableTests(ITestOutputHelper output)
{
    [Fact]
    public void The_rules_meet_every_row_of_the_instruction_table()
    {
        IReadOnlyList<InstructionCase> cases = InstructionTable.Load();
        Assert.True(cases.Count >= 100, $"{cases.Count} rows");
        Assert.True(cases.Count(c => c.Instruction.Any(ch => ch > 0x2E80)) >= 30, "too few Chinese rows");
        var misses = new List<string>();
        foreach (InstructionCase c in cases)
        {
            SystemStatus status = InstructionTable.Status(c);
            Strategy s = StrategyPlanner.Plan(c.Instruction, InstructionRules.Parse(c.Instruction, status.KnownPeople), status, []);
            StrategyPlanner.Validate(s.Settings, c.Current); // what the core accepts
            Assert.All(s.Choices, choice => Assert.False(string.IsNullOrWhiteSpace(choice.Reason), $"{c}: {choice.Setting} has no reason"));
            Assert.All(s.Choices, choice => Assert.DoesNotContain("seed", choice.Reason, StringComparison.OrdinalIgnoreCase)); // plain words, no internals
            if (c.Understood != "all")
            {
                Assert.NotEmpty(s.CanDo);
            }

            if (InstructionTable.Miss(c, s) is { } miss)
            {
                misses.Add(miss);
            }
        }

        output.WriteLine($"rules: {cases.Count - misses.Count} of {cases.Count} rows");
        Assert.True(misses.Count == 0, $"{cases.Count - misses.Count} of {cases.Count}:\n{string.Join("\n", misses)}");
    }

    [Fact]
    public void Every_user_facing_setting_has_words_and_a_row_and_the_schema_is_the_parsers()
    {
        IReadOnlyList<InstructionCase> cases = InstructionTable.Load();
        foreach (SettingSpec spec in SettingsSchema.All.Where(s => s.UserFacing))
        {
            Assert.True(SettingPhrases.Names.ContainsKey(spec.Key) || SettingPhrases.GivenNotWorded.Contains(spec.Key), $"'{spec.Key}' has no words the assistant reads");
            Assert.True(cases.Any(c => c.Expected.ContainsKey(spec.Key)), $"no row of the instruction table asks for '{spec.Key}'");
            if (spec.Kind == SettingKind.Choice)
            {
                foreach (string value in spec.Choices.Where(v => v != "custom"))
                {
                    Assert.True(SettingPhrases.Values.TryGetValue(spec.Key, out IReadOnlyDictionary<string, string[]>? words) && words.ContainsKey(value),
                        $"'{spec.Key}' = '{value}' has no words");
                }
            }
        }

        // The schema is the parser's: every key parses (no unknown), and every setting of PipelineSettings has a key.
        foreach (SettingSpec spec in SettingsSchema.All)
        {
            JsonNode sample = spec.Kind switch
            {
                SettingKind.Choice => spec.Choices[0],
                SettingKind.Number or SettingKind.WholeNumber => spec.Max,
                SettingKind.Boolean => true,
                SettingKind.Colour => "#102030",
                SettingKind.Names => new JsonArray(),
                SettingKind.Mappings => new JsonObject(),
                _ => "/tmp",
            };
            var unknown = new List<string>();
            SettingsParser.Parse(new JsonObject { [spec.Key] = sample }.ToJsonString(), new PipelineSettings(), unknown);
            Assert.Empty(unknown);
            if (spec.Kind is SettingKind.Number or SettingKind.WholeNumber)
            {
                // The parser's range is the schema's: its ends parse, a step beyond them does not.
                SettingsParser.Parse(new JsonObject { [spec.Key] = spec.Min }.ToJsonString(), new PipelineSettings());
                Assert.Throws<Aisp.Core.AispException>(() => SettingsParser.Parse(new JsonObject { [spec.Key] = spec.Max + 1 }.ToJsonString(), new PipelineSettings()));
                Assert.Throws<Aisp.Core.AispException>(() => SettingsParser.Parse(new JsonObject { [spec.Key] = spec.Min - 1 }.ToJsonString(), new PipelineSettings()));
            }
        }

        string[] keys = [.. SettingsSchema.All.Select(s => s.Key.Replace("_", "", StringComparison.Ordinal))];
        foreach (PropertyInfo p in typeof(PipelineSettings).GetProperties().Where(p => p.CanWrite))
        {
            Assert.True(keys.Contains(p.Name.ToLowerInvariant()), $"PipelineSettings.{p.Name} has no key in SettingsSchema");
        }
    }
}
