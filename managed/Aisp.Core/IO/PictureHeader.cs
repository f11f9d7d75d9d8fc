using System.Buffers.Binary;

namespace Aisp.Core.IO;

/// <summary>
/// A picture's size from its header alone (PNG, JPEG, BMP, GIF, WebP, PPM/PGM), so a decode bomb
/// (a 2.6 MB PNG that decodes to 30000x30000) is refused before a decoder allocates its pixels.
/// </summary>
public static class PictureHeader
{
    /// <summary>Larger than any camera's still (16K a side, 128 megapixels), smaller than what a decoder bomb asks for.</summary>
    public const int MaxSide = 16384;

    public const long MaxPixels = 1L << 27;

    /// <summary>Width and height as the header states them, or null for a format it does not know (or a header too short to say).</summary>
    public static (int Width, int Height)? Size(ReadOnlySpan<byte> file)
    {
        try
        {
            return file switch
            {
                [0x89, (byte)'P', (byte)'N', (byte)'G', ..] when file.Length >= 24 =>
                    (BinaryPrimitives.ReadInt32BigEndian(file[16..]), BinaryPrimitives.ReadInt32BigEndian(file[20..])),
                [0xFF, 0xD8, ..] => Jpeg(file),
                [(byte)'B', (byte)'M', ..] when file.Length >= 26 =>
                    (BinaryPrimitives.ReadInt32LittleEndian(file[18..]), Math.Abs(BinaryPrimitives.ReadInt32LittleEndian(file[22..]))),
                [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] when file.Length >= 10 =>
                    (BinaryPrimitives.ReadUInt16LittleEndian(file[6..]), BinaryPrimitives.ReadUInt16LittleEndian(file[8..])),
                [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] when file.Length >= 30 => WebP(file),
                [(byte)'P', (byte)'5' or (byte)'6', ..] => Netpbm(file),
                _ => null,
            };
        }
        catch (ArgumentOutOfRangeException)
        {
            return null; // a header cut short: the decoder will say the file is broken
        }
    }

    /// <summary>Why a picture of this size is refused, or null.</summary>
    public static string? Refusal(int width, int height) =>
        width < 1 || height < 1 ? $"its header states {width}x{height} pixels"
        : width > MaxSide || height > MaxSide || (long)width * height > MaxPixels
            ? $"it is {width}x{height} pixels; at most {MaxSide} a side and {MaxPixels / 1_000_000} megapixels are decoded"
            : null;

    private static (int, int)? Jpeg(ReadOnlySpan<byte> file)
    {
        for (int pos = 2; pos + 9 < file.Length;)
        {
            if (file[pos] != 0xFF)
            {
                return null;
            }

            byte marker = file[pos + 1];
            if (marker == 0xFF)
            {
                pos++; // fill byte
                continue;
            }

            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                pos += 2; // markers without a length
                continue;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(file[(pos + 2)..]);
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return (BinaryPrimitives.ReadUInt16BigEndian(file[(pos + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(file[(pos + 5)..]));
            }

            if (marker == 0xDA || length < 2)
            {
                return null; // image data before any frame header
            }

            pos += 2 + length;
        }

        return null;
    }

    private static (int, int)? WebP(ReadOnlySpan<byte> file)
    {
        ReadOnlySpan<byte> chunk = file.Slice(12, 4);
        if (chunk.SequenceEqual("VP8X"u8))
        {
            return (1 + (file[24] | file[25] << 8 | file[26] << 16), 1 + (file[27] | file[28] << 8 | file[29] << 16));
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(file[21..]);
            return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }

        return chunk.SequenceEqual("VP8 "u8)
            ? (BinaryPrimitives.ReadUInt16LittleEndian(file[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(file[28..]) & 0x3FFF)
            : null;
    }

    private static (int, int)? Netpbm(ReadOnlySpan<byte> file)
    {
        // "P6", whitespace and comments, width, height: the first two numbers of the text header.
        Span<long> numbers = stackalloc long[2];
        int found = 0, pos = 2;
        while (found < 2 && pos < file.Length && pos < 4096)
        {
            byte b = file[pos];
            if (b == '#')
            {
                while (pos < file.Length && file[pos] != '\n')
                {
                    pos++;
                }
            }
            else if (b is >= (byte)'0' and <= (byte)'9')
            {
                long n = 0;
                while (pos < file.Length && file[pos] is >= (byte)'0' and <= (byte)'9' && n < int.MaxValue)
                {
                    n = n * 10 + (file[pos++] - '0');
                }

                numbers[found++] = n;
                continue;
            }

            pos++;
        }

        return found == 2 ? ((int)Math.Min(numbers[0], int.MaxValue), (int)Math.Min(numbers[1], int.MaxValue)) : null;
    }
}
