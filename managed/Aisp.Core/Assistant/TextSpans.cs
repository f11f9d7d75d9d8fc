namespace Aisp.Core.Assistant;

/// <summary>
/// Finding and taking words in an instruction: whole words for Latin text (so "me" is not found in
/// "name"), plain substrings for Chinese, which has no spaces. A taken word is blanked out, so each
/// word serves one wish and what is left is what nothing understood.
/// </summary>
internal static class TextSpans
{
    public static bool IsChinese(string word) => word.Any(c => c > 0x2E80);

    /// <summary>Where <paramref name="word"/> first stands in <paramref name="text"/>, or -1.</summary>
    public static int Find(string text, string word)
    {
        if (word.Length == 0)
        {
            return -1;
        }

        if (IsChinese(word))
        {
            return text.IndexOf(word, StringComparison.Ordinal);
        }

        for (int at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + 1, StringComparison.Ordinal))
        {
            // Only Latin letters bound a Latin word: "只给bob打码" names Bob.
            bool startOk = at == 0 || !char.IsAsciiLetterOrDigit(text[at - 1]);
            int end = at + word.Length;
            bool endOk = end == text.Length || !char.IsAsciiLetterOrDigit(text[end]) || word.EndsWith("anonymi", StringComparison.Ordinal);
            if (startOk && endOk)
            {
                return at;
            }
        }

        return -1;
    }

    public static bool Has(string text, IEnumerable<string> words) => words.Any(w => Find(text, w) >= 0);

    /// <summary>The first of <paramref name="words"/> (longest first) found in <paramref name="text"/>, blanked out of it; null when none is.</summary>
    public static string? Take(ref string text, IEnumerable<string> words)
    {
        foreach (string w in words.OrderByDescending(w => w.Length))
        {
            int at = Find(text, w);
            if (at >= 0)
            {
                text = string.Concat(text.AsSpan(0, at), new string(' ', w.Length), text.AsSpan(at + w.Length));
                return w;
            }
        }

        return null;
    }

    /// <summary>Blanks every occurrence of <paramref name="word"/>.</summary>
    public static string Blank(string text, string word)
    {
        for (int at = Find(text, word); at >= 0; at = Find(text, word))
        {
            text = string.Concat(text.AsSpan(0, at), new string(' ', word.Length), text.AsSpan(at + word.Length));
        }

        return text;
    }
}
