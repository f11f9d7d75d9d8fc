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
    private static readonly string[] Blur = ["blur", "模糊", "虚化"];
    private static readonly string[] Pixelate = ["pixelate", "pixelated", "pixel", "mosaic", "马赛克", "像素"];
    private static readonly string[] Hide = ["hide", "anonymi", "privacy", "cover", "censor", "隐私", "遮挡", "遮住", "打码", "匿名"];
    private static readonly string[] Swap = ["swap", "face swap", "replace my face", "换脸", "替换"];
    private static readonly string[] MeshSwap = ["mesh swap", "morph", "网格"];
    private static readonly string[] ModelSwap = ["inswapper", "model swap", "模型换脸"];
    private static readonly string[] Off = ["turn it off", "switch off", "no effect", "disable", "pass through", "关闭", "关掉", "不处理"];
    private static readonly string[] Everyone = ["everyone", "everybody", "all faces", "all the faces", "every face", "所有人", "每个人", "所有的脸", "全部"];
    private static readonly string[] Except = ["except", "but not", "apart from", "other than", "besides", "除了", "以外", "之外"];
    private static readonly string[] Only = ["only", "just", "仅", "只"];
    private static readonly string[] Self = ["me", "myself", "my face", "我"];
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
        string text = (instruction ?? "").ToLowerInvariant().Normalize(System.Text.NormalizationForm.FormKC);
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
        return new Intent
        {
            Engine = engine,
            PrivacyMode = mode,
            PrivacyRule = rule,
            Self = rule is not null && rule != PrivacyRules.Everyone && self,
            People = rule is not null && rule != PrivacyRules.Everyone ? people : [],
            Smoother = Has(Smoother),
            Lighter = Has(Lighter),
            BestQuality = Has(Best),
            GpuMemoryGb = GpuMemory(text),
            KeepExpression = keep,
            Matched = matched,
        };
    }

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

    /// <summary>A word at word boundaries for Latin text (so "me" is not found in "name"); a plain substring for Chinese, which has no spaces.</summary>
    private static bool Contains(string text, string word)
    {
        if (word.Any(c => c > 0x2E80))
        {
            return text.Contains(word, StringComparison.Ordinal);
        }

        for (int at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + 1, StringComparison.Ordinal))
        {
            bool startOk = at == 0 || !char.IsLetterOrDigit(text[at - 1]);
            int end = at + word.Length;
            bool endOk = end == text.Length || !char.IsLetterOrDigit(text[end]) || word.EndsWith("anonymi", StringComparison.Ordinal);
            if (startOk && endOk)
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"(?<gb>\d+(?:\.\d+)?)\s*(?:gb|gib|g)\b[^.,;]{0,20}?(?:gpu|vram|card|graphics|显卡|显存)|(?:gpu|vram|card)[^.,;\d]{0,20}?(?<gb>\d+(?:\.\d+)?)\s*(?:gb|gib|g)\b")]
    private static partial Regex GpuPattern();

    [GeneratedRegex(@"(?<gb>\d+(?:\.\d+)?)\s*(?:gb|g)?\s*(?:的)?\s*(?:显存|显卡)|(?:显存|显卡)\s*(?:有|是)?\s*(?<gb>\d+(?:\.\d+)?)\s*(?:gb|g)")]
    private static partial Regex GpuPatternChinese();
}
