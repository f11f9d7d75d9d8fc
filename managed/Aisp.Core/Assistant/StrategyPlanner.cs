using System.Globalization;
using System.Text.Json.Nodes;
using Aisp.Core.Settings;

namespace Aisp.Core.Assistant;

/// <summary>
/// Turns an intent and the system status into a strategy, by the seed's rules: a GPU with more than
/// 4 GB gets the model swap (when its weights are configured) at high quality with smoothing 0.9,
/// anything else the mesh swap at medium (balanced) with 0.7; CPU load caps the quality (under 30 %
/// quality, 30-60 % balanced, above 60 % performance); expression requests set keep-expression and
/// stabilise. Then this machine's history: a level that missed the frame budget before is stepped
/// down from, one that met it repeatedly under as much load is preferred.
/// </summary>
public static class StrategyPlanner
{
    /// <summary>The quality levels from most to least demanding.</summary>
    public static readonly string[] Levels = [QualityModes.Quality, QualityModes.Balanced, QualityModes.Performance];

    public const double BigGpuGb = 4, SwapSmoothingHigh = 0.9, SwapSmoothingMedium = 0.7;

    public static Strategy Plan(string instruction, Intent intent, SystemStatus status, IReadOnlyList<HistoryRecord> history)
    {
        var choices = new List<StrategyChoice>();
        string current = (string?)status.Current["engine"] ?? EngineNames.Privacy;
        string engine = current;
        int? level = null;
        double? smoothing = null;
        var levelReasons = new List<string>();

        // Engine (and the seed's swap rule).
        bool swapRule = intent.Engine is "swap" or EngineNames.Morph or EngineNames.Inswapper
            || (intent.Engine is null && current is EngineNames.Morph or EngineNames.Inswapper && (intent.BestQuality || intent.GpuMemoryGb is not null || intent.Lighter));
        if (swapRule)
        {
            double? gpuGb = intent.GpuMemoryGb ?? (status.GpuMemoryMb is { } mb ? mb / 1024.0 : null);
            bool bigGpu = gpuGb > BigGpuGb;
            string gpu = gpuGb is { } g ? $"{g.ToString("0.#", CultureInfo.InvariantCulture)} GB GPU{(intent.GpuMemoryGb is null ? "" : " (as you said)")}" : "no GPU visible";
            bool model = intent.Engine == EngineNames.Inswapper || (intent.Engine != EngineNames.Morph && bigGpu);
            string modelNote = status.SwapWeightsConfigured ? "weights configured" : "no inswapper weights configured (swap_model)";
            if (model && status.SwapWeightsConfigured)
            {
                engine = EngineNames.Inswapper;
                level = 0;
                smoothing = SwapSmoothingHigh;
                choices.Add(new StrategyChoice("engine", engine, $"{gpu}, model weights configured: the seed's rule gives the model swap at high quality",
                    [$"inswapper: {gpu}, {modelNote}", "morph: the mesh swap, for GPUs of 4 GB or less"]));
            }
            else
            {
                engine = EngineNames.Morph;
                level = 1;
                smoothing = SwapSmoothingMedium;
                string why = model ? $"{gpu} but {modelNote}" : bigGpu ? "the mesh swap was asked for" : $"{gpu} (4 GB or less)";
                choices.Add(new StrategyChoice("engine", engine, $"{why}: the seed's rule gives the mesh swap at medium quality",
                    [$"inswapper: needs a GPU over 4 GB and its weights ({gpu}; {modelNote})", "morph: the mesh swap, light enough for the CPU"]));
            }

            levelReasons.Add($"{engine} starts at {Levels[level.Value]} (the seed's rule)");
            if (!status.HasCuda && engine == EngineNames.Inswapper)
            {
                levelReasons.Add("ONNX Runtime here offers no CUDA, so the swap model runs on the CPU");
            }
        }
        else if (intent.Engine is { } named && named != current)
        {
            engine = named;
            choices.Add(new StrategyChoice("engine", engine, $"asked for {Describe(named)}", EngineNames.All.Where(e => e != EngineNames.Landmarks).Select(e => e == named ? $"{e}: asked for" : $"{e}: not asked for").ToList()));
        }

        // Privacy: mode and whose faces.
        if (engine == EngineNames.Privacy)
        {
            if (intent.PrivacyMode is { } mode)
            {
                choices.Add(new StrategyChoice("privacy_mode", mode, $"asked to {mode} faces", ["blur: soft, keeps the shape", "pixelate: blocks, the usual censor look"]));
            }

            if (intent.PrivacyRule is { } rule)
            {
                AddPrivacyRule(choices, rule, intent, status);
            }
        }

        // Quality: the intent, the seed's load bands, the measured latency, then history.
        bool aboutSpeed = swapRule || intent.BestQuality || intent.Lighter || intent.GpuMemoryGb is not null || status.LatencyP95Ms > status.FrameBudgetMs;
        if (aboutSpeed && engine is not EngineNames.None)
        {
            if (intent.Lighter)
            {
                level = 2;
                levelReasons.Add("asked to keep it light");
            }
            else if (intent.BestQuality)
            {
                levelReasons.Add(level is > 0 ? $"asked for the best quality (the seed's rule would start {engine} at {Levels[level.Value]})" : "asked for the best quality");
                level = 0;
            }

            level ??= Math.Max(0, Array.IndexOf(Levels, (string?)status.Current["quality"] ?? ""));
            int band = LoadBand(status.CpuPercent);
            if (band > level)
            {
                levelReasons.Add($"CPU load {status.CpuPercent:0} % caps it at {Levels[band]} (the seed's bands: under 30 % quality, 30-60 % balanced, over 60 % performance)");
                level = band;
            }

            if (status.LatencyP95Ms is { } p95 && p95 > status.FrameBudgetMs && level < 2)
            {
                level++;
                levelReasons.Add($"the filter's p95 latency {p95:0.#} ms is over the {status.FrameBudgetMs:0.#} ms frame budget: one level lighter");
            }

            level = FromHistory(engine, level.Value, status, history, levelReasons);
            choices.Add(new StrategyChoice("quality", Levels[level.Value], string.Join("; ", levelReasons), Levels.Select(l => $"{l}: {Summary(engine, l, history)}").ToList()));
        }

        // Smoothness and expression.
        if (intent.Smoother)
        {
            smoothing = SwapSmoothingHigh;
        }

        if (smoothing is { } s)
        {
            string why = intent.Smoother ? "asked for smoother motion: stabilisation at its strongest setting" : $"the seed's rule pairs {engine} with smoothing {s.ToString("0.0", CultureInfo.InvariantCulture)}";
            choices.Add(new StrategyChoice("stabilize", true, "smoothing needs stabilisation on", ["on: landmarks filtered over time", "off: raw landmarks, jitter"]));
            choices.Add(new StrategyChoice("smoothing", s, why, ["0.9: steadiest, slower to follow fast moves", "0.7: steady, follows expressions", "0.5: the default"]));
        }

        if (intent.KeepExpression is { } keep)
        {
            choices.Add(new StrategyChoice("keep_expression", keep, keep ? "asked to keep your expression: your own eyes and mouth show through the swap" : "asked not to keep your expression",
                ["true: blinks and speech come through", "false: the source face's eyes and mouth"]));
            if (keep && !choices.Any(c => c.Setting == "stabilize"))
            {
                choices.Add(new StrategyChoice("stabilize", true, "expressions read better on stabilised landmarks (the seed maps expression to stabilise)", ["on", "off"]));
            }
        }

        return new Strategy(instruction, "rules", choices, status);
    }

    /// <summary>The seed's load bands: under 30 % quality, 30-60 % balanced, over 60 % performance (unknown load: no cap).</summary>
    public static int LoadBand(double cpuPercent) => double.IsNaN(cpuPercent) ? 0 : cpuPercent < 30 ? 0 : cpuPercent <= 60 ? 1 : 2;

    /// <summary>
    /// Steps down from a level that missed the budget on this machine more often than it met it;
    /// steps up one level to a more demanding one that met it at least twice, never missed, under at least this load.
    /// </summary>
    private static int FromHistory(string engine, int level, SystemStatus status, IReadOnlyList<HistoryRecord> history, List<string> reasons)
    {
        (int Met, int Missed) Score(int l, double minCpu) => (
            history.Count(h => h.Engine == engine && h.Quality == Levels[l] && h.MetBudget == true && !(h.CpuPercent < minCpu)),
            history.Count(h => h.Engine == engine && h.Quality == Levels[l] && h.MetBudget == false));
        int start = level;
        while (level < 2 && Score(level, double.NegativeInfinity) is { } s && s.Missed > s.Met)
        {
            level++;
        }

        if (level != start)
        {
            reasons.Add($"on this machine {engine} at {Levels[start]} missed the frame budget before: {Levels[level]}");
            return level;
        }

        double load = double.IsNaN(status.CpuPercent) ? double.NegativeInfinity : status.CpuPercent - 10;
        if (level > 0 && Score(level - 1, load) is { Met: >= 2, Missed: 0 } better && !status.LatencyP95Ms.HasValue)
        {
            reasons.Add($"on this machine {engine} at {Levels[level - 1]} met the frame budget {better.Met} times under as much load: {Levels[level - 1]}");
            return level - 1;
        }

        return level;
    }

    private static string Summary(string engine, string quality, IReadOnlyList<HistoryRecord> history)
    {
        int met = history.Count(h => h.Engine == engine && h.Quality == quality && h.MetBudget == true);
        int missed = history.Count(h => h.Engine == engine && h.Quality == quality && h.MetBudget == false);
        return met + missed == 0 ? "no history here" : $"met the budget {met} times, missed {missed} times here";
    }

    private static void AddPrivacyRule(List<StrategyChoice> choices, string rule, Intent intent, SystemStatus status)
    {
        var names = new List<string>(intent.People);
        string? self = status.SelfName ?? (status.KnownPeople.Count == 1 ? status.KnownPeople[0] : null);
        string? missing = null;
        if (intent.Self)
        {
            if (self is not null)
            {
                names.Insert(0, self);
            }
            else
            {
                missing = status.KnownPeople.Count == 0
                    ? "you are not in the face library (enrol yourself: aisp faces add NAME PHOTO)"
                    : $"the face library has {status.KnownPeople.Count} people and none is marked as you (name yourself in the instruction)";
            }
        }

        bool library = status.Current["face_library"] is JsonValue v && v.TryGetValue(out string? path) && path.Length > 0;
        List<string> candidates = [
            "everyone: every face covered (safe when unsure)",
            "except_listed: everyone but the named people",
            "only_listed: only the named people"];
        if (rule == PrivacyRules.Everyone || names.Count == 0 || !library)
        {
            // Fail closed: a rule that cannot tell people apart covers everyone.
            string why = rule == PrivacyRules.Everyone ? "asked to cover everyone"
                : !library ? "this filter has no face library, so nobody can be recognised: everyone stays covered"
                : $"{missing}: everyone stays covered until it is";
            choices.Add(new StrategyChoice("privacy_rule", PrivacyRules.Everyone, why, candidates));
            return;
        }

        names = names.Distinct(StringComparer.Ordinal).ToList();
        string list = string.Join(", ", names);
        choices.Add(new StrategyChoice("privacy_rule", rule, rule == PrivacyRules.ExceptListed ? $"cover everyone except {list}" : $"cover only {list}", candidates));
        choices.Add(new StrategyChoice("privacy_identities", new JsonArray(names.Select(n => (JsonNode)n).ToArray()),
            missing is null ? $"the people named: {list}" : $"the people named: {list} ({missing})", status.KnownPeople.ToList()));
    }

    private static string Describe(string engine) => engine switch
    {
        EngineNames.Privacy => "privacy (cover faces)",
        EngineNames.None => "no effect",
        _ => engine,
    };

    /// <summary>
    /// Checks a strategy's settings as any settings update is checked (the core's parser, on top of
    /// the filter's current settings) and refuses keys the parser does not know. Throws AispException.
    /// </summary>
    public static void Validate(JsonObject settings, JsonObject current)
    {
        var unknown = new List<string>();
        PipelineSettings basis;
        try
        {
            basis = SettingsParser.Parse(current.ToJsonString(), new PipelineSettings());
        }
        catch (AispException)
        {
            basis = new PipelineSettings(); // the filter's own settings are its business; the change is checked on the defaults
        }

        SettingsParser.Parse(settings.ToJsonString(), basis, unknown);
        if (unknown.Count > 0)
        {
            throw new AispException(ErrorKind.InvalidSettings, $"unknown setting(s): {string.Join(", ", unknown)}");
        }
    }
}
