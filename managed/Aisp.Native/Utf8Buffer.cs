using System.Text;

namespace Aisp.Native;

/// <summary>Fixed-capacity C string buffers (error messages, names in aisp_stats).</summary>
internal static class Utf8Buffer
{
    /// <summary>Writes a NUL-terminated UTF-8 copy of text, truncated on a character boundary.</summary>
    public static unsafe void CopyTo(string text, byte* buffer, int capacity)
    {
        if (buffer == null || capacity <= 0)
        {
            return;
        }

        var dest = new Span<byte>(buffer, capacity);
        int max = capacity - 1;
        int written = 0;
        foreach (Rune rune in text.EnumerateRunes())
        {
            int n = rune.Utf8SequenceLength;
            if (written + n > max)
            {
                break;
            }

            rune.EncodeToUtf8(dest[written..]);
            written += n;
        }

        dest[written] = 0;
    }
}
