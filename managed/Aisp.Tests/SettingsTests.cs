using Aisp.Core;
using Aisp.Core.Pipeline;
using Aisp.Core.Settings;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aisp.Tests;

public sealed class SettingsTests
{
    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("{\"engine\":\"sparkles\"}", "'engine' is 'sparkles'")]
    [InlineData("{\"engine\":3}", "'engine' must be a string")]
    [InlineData("{\"confidence\":1.5}", "'confidence' is 1.5")]
    [InlineData("{\"confidence\":\"high\"}", "'confidence' must be a number")]
    [InlineData("{\"privacy_strength\":2.5}", "'privacy_strength' is 2.5")]
    [InlineData("{\"privacy_mode\":\"smudge\"}", "'privacy_mode' is 'smudge'")]
    [InlineData("{\"execution_provider\":\"tpu\"}", "'execution_provider' is 'tpu'")]
    [InlineData("{\"threads\":0}", "'threads' is 0")]
    [InlineData("{\"models_dir\":\"\"}", "'models_dir' must be a non-empty string")]
    public void Bad_settings_are_rejected_with_a_message_naming_the_problem(string json, string expected)
    {
        var e = Assert.Throws<AispException>(() => SettingsParser.Parse(json, new PipelineSettings()));
        Assert.Equal(ErrorKind.InvalidSettings, e.Kind);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_schemas_defaults_are_the_cores_and_its_ranges_and_choices_are_what_the_parser_checks()
    {
        var defaults = new System.Text.Json.Nodes.JsonObject();
        foreach (SettingSpec spec in SettingsSchema.All.Where(s => s.Key is not ("models_dir")))
        {
            Assert.NotNull(spec.Default);
            defaults[spec.Key] = spec.Default!.DeepClone();
        }

        // Every default parses, and together they are exactly what the core starts from.
        PipelineSettings parsed = SettingsParser.ParseStrict(defaults.ToJsonString(), new PipelineSettings { Threads = 9, Engine = "none", Quality = "performance" });
        var fresh = new PipelineSettings();
        foreach (System.Reflection.PropertyInfo p in typeof(PipelineSettings).GetProperties().Where(p => p.CanWrite && p.Name != nameof(PipelineSettings.ModelsDir)))
        {
            object? a = p.GetValue(fresh), b = p.GetValue(parsed);
            if (a is System.Collections.IEnumerable ea && a is not string)
            {
                Assert.Equal(ea.Cast<object>(), ((System.Collections.IEnumerable)b!).Cast<object>());
            }
            else
            {
                Assert.True(Equals(a, b), $"{p.Name}: the core starts from {a}, the schema's default gives {b}");
            }
        }

        // The parser takes its limits from the schema: one past each end is refused, each choice accepted.
        foreach (SettingSpec spec in SettingsSchema.All)
        {
            if (spec.Kind is SettingKind.Number or SettingKind.WholeNumber)
            {
                Assert.Throws<AispException>(() => SettingsParser.Parse($"{{\"{spec.Key}\":{(spec.Max + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)}}}", fresh));
                Assert.Throws<AispException>(() => SettingsParser.Parse($"{{\"{spec.Key}\":{(spec.Min - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)}}}", fresh));
            }

            foreach (string choice in spec.Choices)
            {
                SettingsParser.ParseStrict($"{{\"{spec.Key}\":\"{choice}\"}}", fresh);
            }

            Assert.All(spec.VisibleWhen, c => Assert.NotNull(SettingsSchema.Find(c.Key)));
        }

        var unknown = Assert.Throws<AispException>(() => SettingsParser.ParseStrict("{\"privacy_strenght\":3}", fresh));
        Assert.Contains("did you mean 'privacy_strength'", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Blazeface_front_is_no_longer_offered_and_old_settings_get_blazeface_back()
    {
        Assert.DoesNotContain(Aisp.Core.Settings.DetectorNames.BlazeFaceFront, Aisp.Core.Settings.DetectorNames.All);
        Assert.Equal("blazeface-back", Aisp.Core.Settings.SettingsParser.Parse("{\"detector\":\"blazeface-front\"}", new Aisp.Core.Settings.PipelineSettings()).Detector);
        Assert.Throws<Aisp.Core.AispException>(() => Aisp.Core.Settings.SettingsParser.Parse("{\"detector\":\"blazeface-side\"}", new Aisp.Core.Settings.PipelineSettings()));
    }

    [Fact]
    public void Partial_updates_keep_the_other_values_and_unknown_keys_are_reported()
    {
        var basis = new PipelineSettings { PrivacyStrength = 77 };
        var unknown = new List<string>();
        PipelineSettings s = SettingsParser.Parse("{\"privacy_mode\":\"blur\",\"status\":\"x\"}", basis, unknown);
        Assert.Equal(PrivacyMode.Blur, s.PrivacyMode);
        Assert.Equal(77, s.PrivacyStrength);
        Assert.Equal(["status"], unknown);
    }

    [Fact]
    public void A_rejected_update_keeps_the_previous_settings_and_records_the_error()
    {
        using var pipeline = FacePipeline.Create(TestAssets.Json(extra: "\"privacy_mode\":\"blur\""), NullLoggerFactory.Instance);
        Assert.Throws<AispException>(() => pipeline.Update("{\"privacy_mode\":\"smudge\"}"));
        Assert.Equal(PrivacyMode.Blur, pipeline.Settings.PrivacyMode);
        StatsCounters c = pipeline.Stats.Read([]);
        Assert.Equal(1ul, c.Errors);
        Assert.Contains("smudge", c.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_models_are_a_model_error_naming_the_folder()
    {
        var e = Assert.Throws<AispException>(() => FacePipeline.Create("{\"models_dir\":\"/nonexistent/models\"}", NullLoggerFactory.Instance));
        Assert.Equal(ErrorKind.Model, e.Kind);
        Assert.Contains("/nonexistent/models", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_model_is_refused_by_its_hash()
    {
        string dir = TestAssets.CopyModels("aisp-corrupt-");
        try
        {
            string model = Path.Combine(dir, "ultraface_rfb_320.onnx");
            byte[] bytes = File.ReadAllBytes(model);
            File.WriteAllBytes(model, bytes[..(bytes.Length / 2)]);
            var e = Assert.Throws<AispException>(() => FacePipeline.Create($$"""{"models_dir":"{{dir}}","detector":"ultraface"}""", NullLoggerFactory.Instance));
            Assert.Equal(ErrorKind.Model, e.Kind);
            Assert.Contains("corrupt", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Engine_none_needs_no_models_and_switching_to_privacy_loads_them()
    {
        using var pipeline = FacePipeline.Create("{\"engine\":\"none\",\"models_dir\":\"/nonexistent\"}", NullLoggerFactory.Instance);
        Assert.Equal("none", pipeline.Stats.Read([]).Engine);
        Assert.Throws<AispException>(() => pipeline.Update("{\"engine\":\"privacy\"}"));
        pipeline.Update(TestAssets.Json(extra: "\"engine\":\"privacy\""));
        StatsCounters c = pipeline.Stats.Read([]);
        Assert.Equal("privacy", c.Engine);
        Assert.Equal(DetectorNames.Default, c.Detector);
        Assert.Equal("", c.LastError);
    }
}
