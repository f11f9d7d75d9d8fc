namespace Aisp.Cli;

/// <summary>
/// Tells a whole JPEG from a truncated one. libjpeg fills the missing rows of a truncated file with
/// grey and only warns, so OpenCV returns a picture and a cut-off download would be filtered as if
/// it were real. This walks the markers from SOI: segments by their lengths, entropy-coded data up
/// to the next marker that is neither a stuffed 0xFF00 nor a restart marker, and succeeds only on
/// reaching EOI (an EXIF thumbnail's own EOI sits inside an APP1 segment and is skipped with it).
/// </summary>
public static class JpegCompleteness
{
    public static bool IsJpeg(ReadOnlySpan<byte> data) => data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;

    public static bool IsComplete(ReadOnlySpan<byte> data)
    {
        int i = 2;
        while (i + 1 < data.Length)
        {
            if (data[i] != 0xFF)
            {
                return false; // not at a marker: corrupt
            }

            byte marker = data[i + 1];
            if (marker == 0xFF)
            {
                i++; // fill byte
                continue;
            }

            if (marker == 0xD9)
            {
                return true; // EOI
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                i += 2; // markers without a length
                continue;
            }

            if (i + 3 >= data.Length)
            {
                return false;
            }

            int length = (data[i + 2] << 8) | data[i + 3];
            i += 2 + length;
            if (marker == 0xDA)
            {
                i = SkipEntropyCoded(data, i); // scan data follows the SOS header
            }
        }

        return false;
    }

    private static int SkipEntropyCoded(ReadOnlySpan<byte> data, int i)
    {
        while (i + 1 < data.Length)
        {
            if (data[i] == 0xFF && data[i + 1] != 0x00 && data[i + 1] is not (>= 0xD0 and <= 0xD7))
            {
                return i;
            }

            i++;
        }

        return data.Length;
    }
}
