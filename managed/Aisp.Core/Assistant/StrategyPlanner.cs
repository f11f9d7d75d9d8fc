using System.Globalization;
using System.Text.Json.Nodes;
using Aisp.Core.Settings;

namespace Aisp.Core.Assistant;

/// <summary>
/// Turns an intent and the system status into a strategy, by the seed's rules: a GPU with more than
/// 4 GB gets the model swap (when its weights are configured) at high quality with smoothing 0.9,
/// anything else the mesh swap at medium (balanced) with 0.7; CPU load caps the quality (under 30 %
/// quality, 30-60 % balanced, above 60 % performance) unless the user asked for a level outright
/// (then the load only warns); expression requests set keep-expression and stabilise. Then this
/// machine's history. Every other wish (<see cref="SettingChanges"/>) follows. Reasons speak the
/// instruction's language (English or Chinese) and name no internals.
/// </summary>
public static class StrategyPlanner
{
    /// <summary>The quality levels from most to least demanding.</summary>
    public static readonly string[] Levels = [QualityModes.Quality, QualityModes.Balanced, QualityModes.Performance];

    public const double BigGpuGb = 4, SwapSmoothingHigh = 0.9, SwapSmoothingMedium = 0.7;

    public static Strategy Plan(string instruction, Intent intent, SystemStatus status, IReadOnlyList<HistoryRecord> history)
    {
        bool zh = intent.Language == "zh";
        string T(string en, string chinese) => zh ? chinese : en;
        var choices = new List<StrategyChoice>();
        string current = (string?)status.Current["engine"] ?? EngineNames.Privacy;
        string engine = current;
        int? level = null;
        double? smoothing = null;
        var levelReasons = new List<string>();

        // Engine (and the rule for swaps: the model swap needs a GPU over 4 GB and its weights).
        bool swapRule = intent.Engine is "swap" or EngineNames.Morph or EngineNames.Inswapper
            || (intent.Engine is null && current is EngineNames.Morph or EngineNames.Inswapper && (intent.BestQuality || intent.GpuMemoryGb is not null || intent.Lighter));
        if (swapRule)
        {
            double? gpuGb = intent.GpuMemoryGb ?? (status.GpuMemoryMb is { } mb ? mb / 1024.0 : null);
            bool bigGpu = gpuGb > BigGpuGb;
            string gb = gpuGb is { } g ? g.ToString("0.#", CultureInfo.InvariantCulture) : "";
            string gpu = gpuGb is not null ? T($"a {gb} GB GPU{(intent.GpuMemoryGb is null ? "" : " (as you said)")}", $"{gb} GB 显存{(intent.GpuMemoryGb is null ? "" : "（你说的）")}") : T("no GPU visible", "没有可用的显卡");
            bool model = intent.Engine == EngineNames.Inswapper || (intent.Engine != EngineNames.Morph && bigGpu);
            string modelNote = status.SwapWeightsConfigured ? T("its model file is set", "已设置模型文件") : T("no swap model file is set (swap_model)", "没有设置换脸模型文件（swap_model）");
            if (model && status.SwapWeightsConfigured)
            {
                engine = EngineNames.Inswapper;
                level = 0;
                smoothing = SwapSmoothingHigh;
                choices.Add(new StrategyChoice("engine", engine, T($"{gpu} and the swap model is set: the model swap, at high quality", $"{gpu}，且已设置换脸模型：使用模型换脸，高画质"),
                    [$"inswapper: {gpu}, {modelNote}", T("morph: the mesh swap, for GPUs of 4 GB or less", "morph：网格换脸，适合 4 GB 及以下显存")]));
            }
            else
            {
                engine = EngineNames.Morph;
                level = 1;
                smoothing = SwapSmoothingMedium;
                string why = model ? T($"{gpu} but {modelNote}", $"{gpu}，但{modelNote}") : bigGpu ? T("the mesh swap was asked for", "你要求网格换脸") : T($"{gpu} (4 GB or less)", $"{gpu}（4 GB 或更少）");
                choices.Add(new StrategyChoice("engine", engine, T($"{why}: the mesh swap, at medium quality", $"{why}：使用网格换脸，中等画质"),
                    [T($"inswapper: needs a GPU over 4 GB and its model file ({gpu}; {modelNote})", $"inswapper：需要 4 GB 以上显存和模型文件（{gpu}；{modelNote}）"),
                     T("morph: the mesh swap, light enough for the CPU", "morph：网格换脸，CPU 也能跑")]));
            }

            levelReasons.Add(T($"{engine} starts at {Levels[level.Value]}", $"{engine} 从 {Levels[level.Value]} 开始"));
            if (!status.HasCuda && engine == EngineNames.Inswapper)
            {
                levelReasons.Add(T("this machine offers no CUDA, so the swap model runs on the CPU", "本机没有 CUDA，换脸模型在 CPU 上运行"));
            }
        }
        else if (intent.Engine is { } named && named != current)
        {
            engine = named;
            choices.Add(new StrategyChoice("engine", engine, T($"asked for {Describe(named, zh)}", $"你要求{Describe(named, zh)}"),
                EngineNames.All.Where(e => e != EngineNames.Landmarks).Select(e => $"{e}: {Describe(e, zh)}").ToList()));
        }

        // Privacy: mode and whose faces.
        if (engine == EngineNames.Privacy)
        {
            if (intent.PrivacyMode is { } mode)
            {
                choices.Add(new StrategyChoice("privacy_mode", mode, T($"asked to {mode} faces", mode == "blur" ? "你要求模糊人脸" : "你要求给人脸打马赛克"),
                    [T("blur: soft, keeps the shape", "blur：柔和的模糊"), T("pixelate: blocks, the usual censor look", "pixelate：马赛克方块")]));
            }

            if (intent.PrivacyRule is { } rule)
            {
                AddPrivacyRule(choices, rule, intent, status, zh);
            }
        }

        // Quality: what was asked wins; otherwise the load bands, the measured latency, then history.
        bool explicitLevel = intent.Lighter || intent.BestQuality;
        // A slow filter is worth a word with any wish, never with an instruction nobody understood:
        // that changes nothing, whatever the machine's load (it did, on a busy machine).
        bool aboutSpeed = swapRule || explicitLevel || intent.GpuMemoryGb is not null || (!intent.IsEmpty && status.LatencyP95Ms > status.FrameBudgetMs);
        if (aboutSpeed && engine is not EngineNames.None)
        {
            if (intent.Lighter)
            {
                level = 2;
                levelReasons.Add(T("asked to keep it light", "你要求流畅、轻量"));
            }
            else if (intent.BestQuality)
            {
                levelReasons.Add(T("asked for the best quality", "你要求最好的画质"));
                level = 0;
            }

            level ??= Math.Max(0, Array.IndexOf(Levels, (string?)status.Current["quality"] ?? ""));
            int band = LoadBand(status.CpuPercent);
            bool slow = status.LatencyP95Ms is { } p95 && p95 > status.FrameBudgetMs;
            string latency = status.LatencyP95Ms is { } l ? l.ToString("0.#", CultureInfo.InvariantCulture) : "";
            string budget = status.FrameBudgetMs.ToString("0.#", CultureInfo.InvariantCulture);
            if (explicitLevel)
            {
                // An explicit wish wins over the load rules; they only warn.
                if (band > level)
                {
                    levelReasons.Add(T($"warning: the CPU is {status.CpuPercent:0} % busy, so {Levels[level.Value]} may stutter", $"注意：CPU 占用 {status.CpuPercent:0}%，{Levels[level.Value]} 可能会卡顿"));
                }

                if (slow && level < 2)
                {
                    levelReasons.Add(T($"warning: the filter takes {latency} ms a frame now, over the {budget} ms frame budget: it may stutter", $"注意：现在每帧耗时 {latency} 毫秒，超过 {budget} 毫秒的帧预算，可能会卡顿"));
                }
            }
            else
            {
                if (band > level)
                {
                    levelReasons.Add(T($"the CPU is {status.CpuPercent:0} % busy, so at most {Levels[band]} (under 30 %: quality, 30-60 %: balanced, over 60 %: performance)",
                        $"CPU 占用 {status.CpuPercent:0}%，最多 {Levels[band]}（低于 30%：quality，30-60%：balanced，高于 60%：performance）"));
                    level = band;
                }

                if (slow && level < 2)
                {
                    level++;
                    levelReasons.Add(T($"the filter takes {latency} ms a frame, over the {budget} ms frame budget: one level lighter", $"每帧耗时 {latency} 毫秒，超过 {budget} 毫秒的帧预算：降一级"));
                }

                level = FromHistory(engine, level.Value, status, history, levelReasons, zh);
            }

            choices.Add(new StrategyChoice("quality", Levels[level.Value], string.Join("; ", levelReasons), Levels.Select(q => $"{q}: {Summary(engine, q, history, zh)}").ToList()));
        }

        // Smoothness and expression.
        if (intent.Smoother)
        {
            smoothing = SwapSmoothingHigh;
        }

        if (smoothing is { } sm)
        {
            string value = sm.ToString("0.0", CultureInfo.InvariantCulture);
            string why = intent.Smoother ? T("asked for smoother motion: the steadiest setting", "你要求更平滑：最稳的设置") : T($"{engine} looks steadiest with smoothing {value}", $"{engine} 配合平滑度 {value} 最稳定");
            choices.Add(new StrategyChoice("stabilize", true, T("smoothing needs stabilisation on", "平滑需要开启防抖"), [T("on: landmarks filtered over time", "开：随时间滤波"), T("off: raw landmarks, jitter", "关：原始关键点，会抖")]));
            choices.Add(new StrategyChoice("smoothing", sm, why, [T("0.9: steadiest, slower to follow fast moves", "0.9：最稳，跟随快动作稍慢"), T("0.7: steady, follows expressions", "0.7：稳定，能跟上表情"), T("0.5: the default", "0.5：默认")]));
        }

        if (intent.KeepExpression is { } keep)
        {
            choices.Add(new StrategyChoice("keep_expression", keep, keep ? T("asked to keep your expression: your own eyes and mouth show through the swap", "你要求保留表情：换脸后仍显示你自己的眼睛和嘴")
                : T("asked not to keep your expression", "你要求不保留表情"), [T("true: blinks and speech come through", "true：眨眼和说话会保留"), T("false: the source face's eyes and mouth", "false：使用源照片的眼睛和嘴")]));
            if (keep && !choices.Any(c => c.Setting == "stabilize"))
            {
                choices.Add(new StrategyChoice("stabilize", true, T("expressions read better on steady landmarks", "关键点稳定时表情更自然"), [T("on", "开"), T("off", "关")]));
            }
        }

        SettingChanges.Apply(choices, intent, status, zh);
        return new Strategy(instruction, "rules", choices, status) { NotUnderstood = intent.NotUnderstood, Language = intent.Language, NothingUnderstood = intent.IsEmpty };
    }

    /// <summary>The seed's load bands: under 30 % quality, 30-60 % balanced, over 60 % performance (unknown load: no cap).</summary>
    public static int LoadBand(double cpuPercent) => double.IsNaN(cpuPercent) ? 0 : cpuPercent < 30 ? 0 : cpuPercent <= 60 ? 1 : 2;

    /// <summary>
    /// Steps down from a level that missed the budget on this machine more often than it met it;
    /// steps up one level to a more demanding one that met it at least twice, never missed, under at least this load.
    /// </summary>
    private static int FromHistory(string engine, int level, SystemStatus status, IReadOnlyList<HistoryRecord> history, List<string> reasons, bool zh)
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
            reasons.Add(zh ? $"在本机上 {engine} 用 {Levels[start]} 以前超出过帧预算：改用 {Levels[level]}" : $"on this machine {engine} at {Levels[start]} missed the frame budget before: {Levels[level]}");
            return level;
        }

        double load = double.IsNaN(status.CpuPercent) ? double.NegativeInfinity : status.CpuPercent - 10;
        if (level > 0 && Score(level - 1, load) is { Met: >= 2, Missed: 0 } better && !status.LatencyP95Ms.HasValue)
        {
            reasons.Add(zh ? $"在本机上 {engine} 用 {Levels[level - 1]} 在同样负载下 {better.Met} 次达到帧预算：改用 {Levels[level - 1]}" : $"on this machine {engine} at {Levels[level - 1]} met the frame budget {better.Met} times under as much load: {Levels[level - 1]}");
            return level - 1;
        }

        return level;
    }

    private static string Summary(string engine, string quality, IReadOnlyList<HistoryRecord> history, bool zh)
    {
        int met = history.Count(h => h.Engine == engine && h.Quality == quality && h.MetBudget == true);
        int missed = history.Count(h => h.Engine == engine && h.Quality == quality && h.MetBudget == false);
        return met + missed == 0 ? (zh ? "本机还没有记录" : "no history here")
            : zh ? $"本机达到帧预算 {met} 次，超出 {missed} 次" : $"met the budget {met} times, missed {missed} times here";
    }

    private static void AddPrivacyRule(List<StrategyChoice> choices, string rule, Intent intent, SystemStatus status, bool zh)
    {
        string T(string en, string chinese) => zh ? chinese : en;
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
                    ? T("you are not in the face library (enrol yourself: aisp faces add NAME PHOTO)", "人脸库里还没有你（先录入：aisp faces add 名字 照片）")
                    : T($"the face library has {status.KnownPeople.Count} people and none is marked as you (name yourself in the instruction)", $"人脸库有 {status.KnownPeople.Count} 个人，但不知道哪个是你（请在指令里说出你的名字）");
            }
        }

        bool library = status.Current["face_library"] is JsonValue v && v.TryGetValue(out string? path) && path.Length > 0;
        List<string> candidates = [
            T("everyone: every face covered (safe when unsure)", "everyone：遮住所有人脸（不确定时最安全）"),
            T("except_listed: everyone but the named people", "except_listed：除了指定的人都遮住"),
            T("only_listed: only the named people", "only_listed：只遮住指定的人")];
        if (rule == PrivacyRules.Everyone || names.Count == 0 || !library)
        {
            // Fail closed: a rule that cannot tell people apart covers everyone.
            string why = rule == PrivacyRules.Everyone ? T("asked to cover everyone", "你要求遮住所有人")
                : !library ? T("this filter has no face library, so nobody can be recognised: everyone stays covered", "这个滤镜没有人脸库，无法认出任何人：所有人都保持遮挡")
                : T($"{missing}: everyone stays covered until it is", $"{missing}：在此之前所有人都保持遮挡");
            choices.Add(new StrategyChoice("privacy_rule", PrivacyRules.Everyone, why, candidates));
            return;
        }

        names = names.Distinct(StringComparer.Ordinal).ToList();
        string list = string.Join(", ", names);
        choices.Add(new StrategyChoice("privacy_rule", rule, rule == PrivacyRules.ExceptListed ? T($"cover everyone except {list}", $"除了 {list} 都遮住") : T($"cover only {list}", $"只遮住 {list}"), candidates));
        choices.Add(new StrategyChoice("privacy_identities", new JsonArray(names.Select(n => (JsonNode)n).ToArray()),
            missing is null ? T($"the people named: {list}", $"指定的人：{list}") : T($"the people named: {list} ({missing})", $"指定的人：{list}（{missing}）"), status.KnownPeople.ToList()));
    }

    internal static string Describe(string engine, bool zh) => engine switch
    {
        EngineNames.Privacy => zh ? "隐私（遮挡人脸）" : "privacy (cover faces)",
        EngineNames.Morph => zh ? "网格换脸" : "the mesh face swap",
        EngineNames.Inswapper => zh ? "模型换脸" : "the model face swap",
        EngineNames.Ar => zh ? "AR 特效" : "AR effects",
        EngineNames.Landmarks => zh ? "显示人脸关键点" : "the face landmarks overlay",
        EngineNames.None => zh ? "关闭效果" : "no effect (filter off)",
        _ => engine,
    };

    /// <summary>
    /// Checks a strategy's settings as any settings update is checked (the core's parser, on top of
    /// the filter's current settings) and refuses keys the parser does not know. Throws AispException.
    /// </summary>
    public static void Validate(JsonObject settings, JsonObject current)
    {
        PipelineSettings basis;
        try
        {
            basis = SettingsParser.Parse(current.ToJsonString(), new PipelineSettings());
        }
        catch (AispException)
        {
            basis = new PipelineSettings(); // the filter's own settings are its business; the change is checked on the defaults
        }

        SettingsParser.ParseStrict(settings.ToJsonString(), basis);
    }
}
