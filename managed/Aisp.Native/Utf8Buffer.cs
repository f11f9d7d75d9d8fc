using System.Text;

namespace Aisp.Native;

/// <summary>Fixed-capacity C string buffers (error messages, names in aisp_stats).</summary>
internal static class Utf8Buffer
{
    /// <summary>
    /// The ABI's way of returning text: a NUL-terminated copy cut to the caller's capacity (none
    /// when the buffer is null), and the full UTF-8 length returned, so a caller whose buffer was
    /// too small calls again with a larger one.
    /// </summary>
    public static unsafe uint Write(string text, byte* buffer, uint capacity)
    {
        CopyTo(text, buffer, (int)Math.Min(capacity, int.MaxValue));
        return (uint)Encoding.UTF8.GetByteCount(text);
    }

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
