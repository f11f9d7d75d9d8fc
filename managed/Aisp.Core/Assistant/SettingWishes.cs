using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Aisp.Core.Assistant;

/// <summary>
/// One wish about one setting: a value (Direction 0), or "more"/"less" of it (Direction +1/-1,
/// applied to the current value by the planner), with the words that asked for it.
/// </summary>
public sealed record SettingWish(string Key, JsonNode? Value, int Direction, string Words);

/// <summary>
/// Reads the wishes about settings that are not the engine's privacy rules or speed (those are
/// <see cref="InstructionRules"/>'): background, AR packs, retouch and tints, strengths and
/// paddings, detection, smoothing, drawing and the inference device, pictures by path. The
/// instruction is read clause by clause ("blur my face and replace the background" is two wishes),
/// and every word a wish used is taken out of the text, so the rest reads without it and what no
/// rule took is what was not understood.
/// </summary>
public static partial class SettingWishes
{
    private static readonly string[] Negation = ["no", "not", "don't", "dont", "stop", "without", "remove", "turn off", "disable", "不要", "别", "关闭", "去掉", "取消", "不用"];

    /// <summary>Words of settings a "turn off" or "disable" may be about, rather than the whole filter.</summary>
    private static readonly string[] OneSettingWords = [.. new[] { "retouch", "lip_tint", "eye_tint", "stabilize", "compositor", "effect_pack" }.SelectMany(k => SettingPhrases.Names[k]),
        .. SettingPhrases.Values["effect_pack"].Values.SelectMany(w => w), "smoothing", "expression", "表情"];

    /// <summary>The wishes in <paramref name="text"/> (lower case); <paramref name="text"/> keeps only what they did not use.</summary>
    public static List<SettingWish> Read(ref string text, IReadOnlyList<string> people)
    {
        var wishes = new List<SettingWish>();
        List<string> paths = TakePaths(ref text);
        string[] clauses = ClauseBreak().Split(text);
        string? lastVerb = null;
        var rest = new List<string>();
        foreach (string original in clauses)
        {
            string clause = original;
            if (TextSpans.Has(clause, SettingPhrases.Names["background"]) || TextSpans.Has(clause, SettingPhrases.Names["background_model"])
                || TextSpans.Has(clause, SettingPhrases.BackgroundOnly))
            {
                lastVerb = Background(ref clause, wishes, paths, lastVerb);
            }
            else
            {
                lastVerb = VerbOf(clause) ?? lastVerb;
                Face(ref clause, wishes, paths, people);
            }

            rest.Add(clause);
        }

        text = string.Join(" , ", rest);
        return wishes;
    }

    /// <summary>A background clause: its mode (blur, replace with a picture, transparent, none), strength and model. Returns the verb, for the clauses after.</summary>
    private static string? Background(ref string clause, List<SettingWish> wishes, List<string> paths, string? inherited)
    {
        string? named = TextSpans.Take(ref clause, SettingPhrases.Names["background_blur"]) ?? TextSpans.Take(ref clause, SettingPhrases.Names["background_image"]);
        if (TextSpans.Take(ref clause, SettingPhrases.Names["background_model"]) is { } modelWord)
        {
            foreach ((string model, string[] words) in SettingPhrases.Values["background_model"])
            {
                if (TextSpans.Take(ref clause, words) is { } w)
                {
                    wishes.Add(new SettingWish("background_model", model, 0, $"{modelWord} {w}"));
                }
            }
        }

        string? mode = null, verb = null;
        if (TextSpans.Take(ref clause, SettingPhrases.Values["background"]["none"]) is { } keep)
        {
            (mode, verb) = ("none", keep);
        }

        string? only = TextSpans.Take(ref clause, SettingPhrases.BackgroundOnly);
        string? word = TextSpans.Take(ref clause, SettingPhrases.Names["background"]) ?? named ?? only ?? verb;
        if (word is null)
        {
            return inherited;
        }

        if (mode is null && only is not null)
        {
            (mode, verb) = only == "bokeh" ? ("blur", only) : ("transparent", only); // a green screen, a cut-out: nothing behind the person
        }
        else if (mode is null && (named is not null && named.Contains("blur", StringComparison.Ordinal) || named is "背景模糊" or "背景虚化"))
        {
            (mode, verb) = ("blur", named);
        }

        foreach (string candidate in (string[])["blur", "transparent", "replace"])
        {
            if (mode is null && TextSpans.Take(ref clause, SettingPhrases.Values["background"][candidate]) is { } w)
            {
                (mode, verb) = (candidate, w);
            }
        }

        if (paths.Count > 0)
        {
            mode = "replace";
            wishes.Add(new SettingWish("background_image", paths[0], 0, paths[0]));
            paths.RemoveAt(0);
        }

        mode ??= inherited is { } v ? VerbMode(v) : named is not null && named.Contains("image", StringComparison.Ordinal) ? "replace" : null;
        int direction = Direction(ref clause);
        if (mode is not null)
        {
            wishes.Add(new SettingWish("background", mode, 0, $"{verb ?? inherited} {word}".Trim()));
        }

        if (direction != 0 && mode is null or "blur")
        {
            wishes.Add(new SettingWish("background_blur", null, direction, word));
            if (mode is null)
            {
                wishes.Add(new SettingWish("background", "blur", 0, word));
            }
        }

        return verb ?? inherited;
    }

    /// <summary>The background mode a verb of an earlier clause means ("blur my face and my background").</summary>
    private static string? VerbMode(string verb) =>
        SettingPhrases.Values["background"].FirstOrDefault(p => p.Key != "none" && p.Value.Contains(verb)).Key;

    private static string? VerbOf(string clause) =>
        SettingPhrases.Values["background"]["blur"].Concat(SettingPhrases.Values["background"]["transparent"]).FirstOrDefault(w => TextSpans.Find(clause, w) >= 0);

    /// <summary>A clause about faces: AR, retouch and tints, strengths, detection, smoothing, drawing, pictures.</summary>
    private static void Face(ref string clause, List<SettingWish> wishes, List<string> paths, IReadOnlyList<string> people)
    {
        bool negated = TextSpans.Has(clause, Negation);

        // The engine outright: off (unless "off" is about one setting: "turn off skin smoothing"), the landmarks overlay, AR.
        bool aboutOneSetting = TextSpans.Has(clause, OneSettingWords);
        if (!aboutOneSetting && OffPattern().Match(clause) is { Success: true } off)
        {
            clause = clause.Remove(off.Index, off.Length).Insert(off.Index, new string(' ', off.Length));
            wishes.Add(new SettingWish("engine", "none", 0, off.Value));
        }
        else if (!aboutOneSetting && TextSpans.Take(ref clause, SettingPhrases.Values["engine"]["none"]) is { } offWord)
        {
            wishes.Add(new SettingWish("engine", "none", 0, offWord));
        }

        if (TextSpans.Take(ref clause, SettingPhrases.Values["engine"]["landmarks"]) is { } landmarks)
        {
            wishes.Add(new SettingWish("engine", "landmarks", 0, landmarks));
        }

        if (TextSpans.Take(ref clause, SettingPhrases.Values["engine"]["ar"]) is { } ar)
        {
            wishes.Add(new SettingWish("engine", "ar", 0, ar));
        }

        // AR packs ("no glasses" first: it names glasses too).
        if (TextSpans.Take(ref clause, SettingPhrases.Values["effect_pack"]["none"]) is { } noPack)
        {
            wishes.Add(new SettingWish("effect_pack", "none", 0, noPack));
        }

        foreach ((string pack, string[] words) in SettingPhrases.Values["effect_pack"])
        {
            if (pack != "none" && TextSpans.Take(ref clause, words) is { } w)
            {
                wishes.Add(new SettingWish("effect_pack", negated ? "none" : pack, 0, w));
            }
        }

        Amount(ref clause, wishes, "retouch", negated, 70);
        if (TextSpans.Take(ref clause, ["makeup", "make-up", "make up", "化妆", "上妆", "妆容"]) is { } makeup)
        {
            // Make-up without detail: some lipstick and eye shadow in their default colours.
            wishes.Add(new SettingWish("lip_tint", negated ? 0 : 40, 0, makeup));
            wishes.Add(new SettingWish("eye_tint", negated ? 0 : 40, 0, makeup));
        }

        string? lipColour = ColourNear(ref clause, SettingPhrases.Names["lip_tint"]);
        if (Amount(ref clause, wishes, "lip_tint", negated, 60) && lipColour is not null)
        {
            wishes.Add(new SettingWish("lip_colour", lipColour, 0, lipColour));
        }

        string? eyeColour = ColourNear(ref clause, SettingPhrases.Names["eye_tint"]);
        if ((eyeColour is not null || TextSpans.Has(clause, ["eye shadow", "eyeshadow", "眼影", "眼妆"])) && Amount(ref clause, wishes, "eye_tint", negated, 50) && eyeColour is not null)
        {
            wishes.Add(new SettingWish("eye_colour", eyeColour, 0, eyeColour));
        }

        // Strength and padding of privacy, relative to now ("bigger mosaic blocks", "cover a bit more around each face").
        if (TextSpans.Has(clause, SettingPhrases.Names["privacy_padding"]))
        {
            int d = Direction(ref clause);
            string? around = TextSpans.Take(ref clause, SettingPhrases.Names["privacy_padding"]);
            if (d != 0 || TextSpans.Take(ref clause, ["cover more", "多遮"]) is not null)
            {
                wishes.Add(new SettingWish("privacy_padding", null, d == 0 ? 1 : d, around!));
            }
        }

        if (TextSpans.Has(clause, SettingPhrases.Names["privacy_strength"]) && Direction(ref clause) is var strength and not 0)
        {
            // "blur" stays for the mode ("a stronger blur" is a blur); the other words are taken.
            wishes.Add(new SettingWish("privacy_strength", null, strength, TextSpans.Take(ref clause, SettingPhrases.Names["privacy_strength"].Where(w => w is not ("blur" or "模糊"))) ?? "blur"));
        }
        else if (NumberFor(ref clause, SettingPhrases.Names["privacy_strength"]) is { } value)
        {
            wishes.Add(new SettingWish("privacy_strength", Math.Clamp(value, 1, 100), 0, value.ToString(CultureInfo.InvariantCulture)));
        }

        // Detection: small faces (the detector for crowds, and more sensitive), false faces (stricter).
        if (TextSpans.Take(ref clause, SettingPhrases.Values["detector"]["ultraface"]) is { } small)
        {
            wishes.Add(new SettingWish("detector", "ultraface", 0, small));
            wishes.Add(new SettingWish("confidence", null, -1, small));
        }
        else if (TextSpans.Take(ref clause, SettingPhrases.Values["detector"]["blazeface-back"]) is { } close)
        {
            wishes.Add(new SettingWish("detector", "blazeface-back", 0, close));
        }

        if (TextSpans.Take(ref clause, ["fewer false faces", "false faces", "false detections", "false positives", "false positive", "fewer false", "not faces", "not a face", "as a face", "as faces",
            "wrong faces", "误检", "误识别", "不是脸", "不是人脸", "当成人脸", "当成脸"]) is { } falseFaces)
        {
            wishes.Add(new SettingWish("confidence", null, 1, falseFaces));
        }
        else if (TextSpans.Take(ref clause, ["sensitive", "sensitivity", "灵敏"]) is { } sensitive)
        {
            int d = Direction(ref clause);
            wishes.Add(new SettingWish("confidence", null, d == 0 ? -1 : -d, sensitive)); // more sensitive: a lower confidence
        }

        // Smoothing the other way, and stabilisation off.
        if (TextSpans.Take(ref clause, ["more responsive", "snappier", "less lag", "lags behind", "lag behind", "follow faster", "less smoothing", "跟手", "反应快", "更灵敏的跟随"]) is { } snappy)
        {
            wishes.Add(new SettingWish("smoothing", null, -1, snappy));
        }

        if (negated && TextSpans.Take(ref clause, SettingPhrases.Names["stabilize"]) is { } stabilise)
        {
            wishes.Add(new SettingWish("stabilize", false, 0, stabilise));
        }

        // Drawing and the inference device.
        if (TextSpans.Take(ref clause, SettingPhrases.Names["compositor"]) is { } compositor)
        {
            ChoiceIn(ref clause, wishes, "compositor", compositor);
        }
        else if (TextSpans.Take(ref clause, ["use my gpu", "use the gpu", "use my graphics card", "use the graphics card", "gpu acceleration", "on my gpu", "on the gpu",
            "use cuda", "use directml", "用显卡", "用gpu", "显卡加速", "gpu加速"]) is { } gpu)
        {
            wishes.Add(new SettingWish("execution_provider", gpu.Contains("directml", StringComparison.Ordinal) ? "directml" : "cuda", 0, gpu));
        }
        else if (TextSpans.Take(ref clause, ["run on", "run it on", "inference on", "models on", "推理"]) is { } device)
        {
            ChoiceIn(ref clause, wishes, "execution_provider", device);
        }

        if (TextSpans.Take(ref clause, SettingPhrases.Values["quality"]["auto"]) is { } auto)
        {
            wishes.Add(new SettingWish("quality", "auto", 0, auto));
        }
        else if (TextSpans.Take(ref clause, SettingPhrases.Values["quality"]["balanced"]) is { } balanced)
        {
            wishes.Add(new SettingWish("quality", "balanced", 0, balanced));
        }

        // Pictures: a face library, a person's picture, or the face to swap in.
        if (paths.Count > 0 && TextSpans.Take(ref clause, SettingPhrases.Names["face_library"]) is { } library)
        {
            wishes.Add(new SettingWish("face_library", paths[0], 0, library));
            paths.RemoveAt(0);
        }

        string named = clause;
        foreach (string person in people.Where(p => p.Length > 0 && TextSpans.Find(named, p.ToLowerInvariant()) >= 0).ToList())
        {
            if (paths.Count == 0)
            {
                break;
            }

            clause = TextSpans.Blank(clause, person.ToLowerInvariant());
            wishes.Add(new SettingWish("swap_identities", new JsonObject { [person] = paths[0] }, 0, person));
            paths.RemoveAt(0);
        }

        if (paths.Count > 0)
        {
            wishes.Add(new SettingWish("source_image", paths[0], 0, paths[0]));
            paths.RemoveAt(0);
        }
    }

    /// <summary>A 0-100 amount named by the setting's words: more/less of the current, none when negated, else <paramref name="plain"/>.</summary>
    private static bool Amount(ref string clause, List<SettingWish> wishes, string key, bool negated, int plain)
    {
        string? word = TextSpans.Take(ref clause, SettingPhrases.Names[key]);
        if (word is null)
        {
            return false;
        }

        int direction = Direction(ref clause);
        wishes.Add(negated ? new SettingWish(key, 0, 0, word)
            : direction != 0 ? new SettingWish(key, null, direction, word)
            : new SettingWish(key, NumberIn(ref clause) is { } n ? Math.Clamp(n, 0, 100) : plain, 0, word));
        return !negated;
    }

    private static void ChoiceIn(ref string clause, List<SettingWish> wishes, string key, string named)
    {
        foreach ((string value, string[] words) in SettingPhrases.Values[key])
        {
            if (TextSpans.Take(ref clause, words) is { } w)
            {
                wishes.Add(new SettingWish(key, value, 0, $"{named} {w}"));
                return;
            }
        }

    }

    /// <summary>The colour named beside the setting's words, taken out.</summary>
    private static string? ColourNear(ref string clause, string[] settingWords)
    {
        if (!TextSpans.Has(clause, settingWords))
        {
            return null;
        }

        return TextSpans.Take(ref clause, SettingPhrases.Colours.Keys.Select(k => TextSpans.IsChinese(k) ? k + "色" : k).Concat(SettingPhrases.Colours.Keys)) is { } c
            ? SettingPhrases.Colours[c.TrimEnd('色')] : null;
    }

    /// <summary>+1 for "more" words, -1 for "less" words, 0 for neither; the word is taken.</summary>
    private static int Direction(ref string clause) =>
        TextSpans.Take(ref clause, SettingPhrases.Less) is not null ? -1 : TextSpans.Take(ref clause, SettingPhrases.More) is not null ? 1 : 0;

    private static int? NumberFor(ref string clause, string[] words) => TextSpans.Has(clause, words) ? NumberIn(ref clause) : null;

    private static int? NumberIn(ref string clause)
    {
        Match m = Amount().Match(clause);
        if (!m.Success || !int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            return null;
        }

        clause = clause.Remove(m.Index, m.Length).Insert(m.Index, new string(' ', m.Length));
        return n;
    }

    /// <summary>Picture paths in the instruction (absolute, home-relative, or a file name with a picture's extension), taken out.</summary>
    private static List<string> TakePaths(ref string text)
    {
        var found = new List<string>();
        foreach (Match m in PathPattern().Matches(text))
        {
            found.Add(m.Groups["path"].Value);
        }

        text = PathPattern().Replace(text, " ");
        return found;
    }

    [GeneratedRegex(@"(?<path>(?:~?/|[a-z]:\\)[^\s,;""']+|[^\s,;""'/\\]+\.(?:png|jpe?g|bmp|webp|gif|tiff?|db))", RegexOptions.CultureInvariant)]
    private static partial Regex PathPattern();

    [GeneratedRegex(@"\s*(?:,|;|\band\b|\bthen\b|\balso\b|\bplus\b|，|、|；|。|和|并且|然后|还有|同时|再把|另外)\s*", RegexOptions.CultureInvariant)]
    private static partial Regex ClauseBreak();

    [GeneratedRegex(@"\b(?:turn|switch|shut)\b[^,.;]{0,30}?\boff\b|\bstop\b[^,.;]{0,20}?\bfilter(?:ing)?\b", RegexOptions.CultureInvariant)]
    private static partial Regex OffPattern();

    [GeneratedRegex(@"\b(?:to\s+)?(\d{1,3})\s*(?:%|percent)?(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Amount();
}
