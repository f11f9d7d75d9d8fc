using System.Globalization;
using System.Text.RegularExpressions;

using Aisp.Core.Settings;

namespace Aisp.Core.Assistant;

/// <summary>
/// The rule-based reader of instructions, English and Chinese (the seed's language): keyword
/// tables, no model. It is the assistant without a language model and the fallback when a model's
/// answer is late or invalid, so it must never fail: an instruction it cannot read is an empty intent.
/// </summary>
public static partial class InstructionRules
{
    // Each table: the words that mean one thing, lower-case English and Chinese.
    private static readonly string[] Blur = ["blur", "blurred", "blurring", "模糊", "虚化"];
    private static readonly string[] Pixelate = ["pixelate", "pixelated", "pixel", "mosaic", "马赛克", "像素"];
    private static readonly string[] Hide = ["hide", "anonymize", "anonymise", "anonymous", "anonymi", "privacy", "cover", "censor", "隐私", "遮挡", "遮住", "打码", "匿名"];
    private static readonly string[] Swap = ["swap", "face swap", "replace my face", "look like", "looks like", "turn me into", "make me into", "换脸", "变成别人", "长得像"];
    private static readonly string[] MeshSwap = ["mesh swap", "morph", "网格"];
    private static readonly string[] ModelSwap = ["inswapper", "model swap", "模型换脸"];
    private static readonly string[] Off = ["turn it off", "switch off", "no effect", "disable", "pass through", "关闭", "关掉", "不处理"];
    private static readonly string[] Everyone = ["everyone", "everybody", "all faces", "all the faces", "every face", "所有人", "每个人", "所有的脸", "全部"];
    private static readonly string[] Except = ["except", "but not", "apart from", "other than", "besides", "not me", "not mine", "not myself", "除了", "以外", "之外", "不包括我", "别遮我", "不要遮我"];
    private static readonly string[] Only = ["only", "just", "仅", "只"];
    private static readonly string[] Self = ["me", "myself", "my face", "mine", "my own", "我", "自己"];
    private static readonly string[] Smoother = ["smoother", "smooth", "steadier", "steady", "stable", "less jitter", "jitter", "flicker", "shaky", "平滑", "稳定", "抖", "闪"];
    private static readonly string[] Lighter = ["laptop", "light", "lighter", "low-end", "weak", "slow", "lag", "faster", "fast", "performance", "battery", "save cpu",
        "笔记本", "轻", "流畅", "卡", "省电", "性能", "快"];
    private static readonly string[] Best = ["best quality", "high quality", "highest quality", "best", "maximum quality", "max quality", "quality",
        "最好", "最佳", "高质量", "画质", "高清"];
    private static readonly string[] KeepExpression = ["expression", "keep my eyes", "my mouth", "blink", "smile", "natural", "表情", "眨眼", "微笑", "自然"];
    private static readonly string[] DropExpression = ["don't keep my expression", "do not keep my expression", "without my expression", "不要表情", "不保留表情"];

    /// <summary>Reads <paramref name="instruction"/>; <paramref name="knownPeople"/> are the face library's names, matched whole and case-insensitively.</summary>
    public static Intent Parse(string instruction, IReadOnlyList<string> knownPeople)
    {
        string original = (instruction ?? "").ToLowerInvariant().Normalize(System.Text.NormalizationForm.FormKC);
        string text = original;
        List<SettingWish> changes = SettingWishes.Read(ref text, knownPeople);
        var matched = new List<string>();
        bool Has(string[] words)
        {
            foreach (string w in words)
            {
                if (Contains(text, w))
                {
                    matched.Add(w);
                    return true;
                }
            }

            return false;
        }

        string? engine = null, mode = null, rule = null;
        if (Has(Off))
        {
            engine = EngineNames.None;
        }
        else if (Has(ModelSwap))
        {
            engine = EngineNames.Inswapper;
        }
        else if (Has(MeshSwap))
        {
            engine = EngineNames.Morph;
        }
        else if (Has(Swap))
        {
            engine = "swap";
        }

        // An engine named outright in a clause of its own ("turn it off", "show the landmarks", "AR effects").
        engine ??= (string?)changes.FirstOrDefault(w => w.Key == "engine")?.Value;
        bool blur = Has(Blur), pixelate = !blur && Has(Pixelate), hide = Has(Hide);
        if (blur || pixelate || (hide && engine is null))
        {
            engine ??= EngineNames.Privacy;
            mode = blur ? "blur" : pixelate ? "pixelate" : null;
        }

        List<string> people = knownPeople.Where(n => n.Length > 0 && Contains(text, n.ToLowerInvariant())).ToList();
        bool self = Has(Self);
        if (engine == EngineNames.Privacy)
        {
            bool except = Has(Except), only = !except && Has(Only), everyone = Has(Everyone);
            rule = except && (self || people.Count > 0) ? PrivacyRules.ExceptListed
                : only && (self || people.Count > 0) ? PrivacyRules.OnlyListed
                : everyone || except ? PrivacyRules.Everyone
                : null;
        }

        bool? keep = Has(DropExpression) ? false : Has(KeepExpression) ? true : null;
        double? gpu = GpuMemory(text);
        return new Intent
        {
            Changes = changes,
            Language = TextSpans.IsChinese(original) ? "zh" : "en",
            NotUnderstood = Leftovers(text, knownPeople),
            Engine = engine,
            PrivacyMode = mode,
            PrivacyRule = rule,
            Self = rule is not null && rule != PrivacyRules.Everyone && self,
            People = rule is not null && rule != PrivacyRules.Everyone ? people : [],
            Smoother = Has(Smoother),
            Lighter = Has(Lighter),
            BestQuality = !changes.Any(w => w.Key == "quality") && Has(Best), // "balanced quality" names a level, not the best
            GpuMemoryGb = gpu,
            KeepExpression = keep,
            Matched = matched,
        };
    }

    /// <summary>Words that carry no wish of their own ("please make my ..."): never reported as not understood.</summary>
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "i", "i'm", "im", "me", "my", "mine", "myself", "you", "your", "we", "our", "us", "it", "its", "it's", "the", "a", "an", "to", "of", "on", "in", "at", "for",
        "with", "please", "pls", "can", "could", "would", "will", "should", "want", "wanna", "like", "make", "made", "let", "lets", "let's", "be", "is", "are", "am", "was",
        "and", "or", "but", "so", "too", "very", "really", "bit", "little", "lot", "lots", "some", "this", "that", "these", "those", "there", "here", "now", "then",
        "just", "also", "all", "each", "every", "face", "faces", "filter", "set", "use", "using", "turn", "put", "give", "show", "add", "get", "have", "has", "got",
        "keep", "do", "does", "don't", "dont", "not", "no", "up", "down", "them", "their", "they", "he", "she", "his", "her", "him", "one", "ones", "way", "thing",
        "things", "stuff", "kind", "sort", "again", "instead", "from", "into", "onto", "as", "by", "if", "when", "while", "what", "which", "who", "how", "ok", "okay",
        "hey", "hi", "thanks", "thank", "enough", "much", "many", "other", "others", "people", "person", "guy", "guys", "everyone's", "stream", "streaming", "video",
        "camera", "webcam", "cam", "picture", "image", "photo", "look", "looks", "see", "seen", "around", "on", "off", "about", "over", "under", "than", "same",
        "catch", "detect", "detecting", "detects", "detection", "detections", "find", "gets", "get", "should", "uses", "run", "runs", "running", "guests", "guest",
        "visitors", "audience", "viewers", "chat", "bystanders", "strangers", "please", "can't", "won't", "it's", "is", "as", "like", "fewer", "spot", "notice", "wear", "paint", "colour", "color", "dye", "apply", "change", "switch", "go", "try", "need", "start", "stop",
    };

    private static readonly string[] ChineseStopWords = ["我们", "我的", "一下", "一点", "一些", "这个", "那个", "效果", "滤镜", "画面", "视频", "所有", "可以", "帮我", "给我", "请", "把", "给",
        "让", "帮", "吧", "了", "呢", "啊", "都", "要", "想", "在", "用", "上", "的", "也", "再", "更", "还", "就", "是", "有", "能", "个", "们", "我", "他", "她", "它",
        "脸", "人", "点", "些", "下", "得", "地", "着", "过", "和", "与", "其他", "别人", "大家", "好", "吗", "嘛", "呀", "哦", "那", "这", "些", "样", "成",
        "戴", "涂", "加", "换", "调", "变", "开", "设置", "颜色", "成", "使用", "显示", "识别", "检测", "一张", "照片", "图片", "开启", "打开", "弄", "做", "搞", "保留",
        "打", "掉", "一", "两", "几", "很", "太", "非常", "比较", "稍微", "稍", "并", "且", "而", "或者", "或", "被", "向", "到", "从", "对", "为", "以", "于", "其", "各", "么", "顶", "副", "张", "啦"];

    /// <summary>Every word the rules know (the tables here and <see cref="SettingPhrases"/>): a known word left over was still understood.</summary>
    private static readonly string[] Vocabulary = [.. new[] { Blur, Pixelate, Hide, Swap, MeshSwap, ModelSwap, Off, Everyone, Except, Only, Self, Smoother, Lighter, Best, KeepExpression, DropExpression }
        .SelectMany(t => t), .. SettingPhrases.Names.Values.SelectMany(w => w), .. SettingPhrases.Values.Values.SelectMany(v => v.Values).SelectMany(w => w),
        .. SettingPhrases.More, .. SettingPhrases.Less, .. SettingPhrases.BackgroundOnly, .. SettingPhrases.Colours.Keys];

    /// <summary>What is left of the instruction once the wishes took their words: the words no rule knows, stop words aside.</summary>
    private static List<string> Leftovers(string text, IReadOnlyList<string> people)
    {
        text = GpuPattern().Replace(GpuPatternChinese().Replace(text, " "), " ");
        foreach (string known in people.Select(p => p.ToLowerInvariant()).Concat(Vocabulary).Where(w => w.Length > 0).OrderByDescending(w => w.Length))
        {
            text = TextSpans.Blank(text, known);
        }

        foreach (string stop in ChineseStopWords.OrderByDescending(w => w.Length))
        {
            text = text.Replace(stop, " ", StringComparison.Ordinal);
        }

        var left = new List<string>();
        foreach (Match m in LeftoverWord().Matches(text))
        {
            string w = m.Value.Trim('\'', '-');
            if ((w.Length > 1 || TextSpans.IsChinese(w)) && !StopWords.Contains(w) && !w.All(char.IsDigit))
            {
                left.Add(w);
            }
        }

        return left;
    }

    [GeneratedRegex(@"[a-z][a-z'\-]*|[\u2e80-\u9fff\uf900-\ufaff]+", RegexOptions.CultureInvariant)]
    private static partial Regex LeftoverWord();

    /// <summary>"8 GB GPU", "8gb of vram", "a 12 GB card", "8G显存", "显存8G".</summary>
    private static double? GpuMemory(string text)
    {
        Match m = GpuPattern().Match(text);
        if (!m.Success)
        {
            m = GpuPatternChinese().Match(text);
        }

        return m.Success && double.TryParse(m.Groups["gb"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double gb) && gb is > 0 and < 1024 ? gb : null;
    }

    private static bool Contains(string text, string word) => TextSpans.Find(text, word) >= 0;

    [GeneratedRegex(@"(?<gb>\d+(?:\.\d+)?)\s*(?:gb|gib|g)\b[^.,;]{0,20}?(?:gpu|vram|card|graphics|显卡|显存)|(?:gpu|vram|card)[^.,;\d]{0,20}?(?<gb>\d+(?:\.\d+)?)\s*(?:gb|gib|g)\b")]
    private static partial Regex GpuPattern();

    [GeneratedRegex(@"(?<gb>\d+(?:\.\d+)?)\s*(?:gb|g)?\s*(?:的)?\s*(?:显存|显卡)|(?:显存|显卡)\s*(?:有|是)?\s*(?<gb>\d+(?:\.\d+)?)\s*(?:gb|g)")]
    private static partial Regex GpuPatternChinese();
}
