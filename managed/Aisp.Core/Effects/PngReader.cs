using System.Buffers.Binary;
using System.IO.Compression;

namespace Aisp.Core.Effects;

/// <summary>
/// Reads the PNG pictures of effect packs into premultiplied RGBA floats (0..255 colour, 0..1
/// alpha): 8-bit grey, grey + alpha, RGB, RGBA and palette (with tRNS), not interlaced, which is
/// what drawing programs write. The core links no image library (packs are read by the core, not
/// the host); what it cannot read is an <see cref="InvalidDataException"/> naming the reason,
/// which the AR engine shows as its status.
/// </summary>
public static class PngReader
{
    private static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    public static float[] Read(byte[] file, out int width, out int height)
    {
        if (file.Length < 33 || !file.AsSpan(0, 8).SequenceEqual(Signature))
        {
            throw new InvalidDataException("not a PNG file");
        }

        width = height = 0;
        int depth = 0, colour = 0, interlace = 0;
        byte[] palette = [], alphas = [];
        using var idat = new MemoryStream();
        for (int pos = 8; pos + 12 <= file.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(file, pos + 4, 4);
            if (length < 0 || pos + 12 + length > file.Length)
            {
                throw new InvalidDataException("PNG chunk runs past the end of the file");
            }

            ReadOnlySpan<byte> data = file.AsSpan(pos + 8, length);
            switch (type)
            {
                case "IHDR":
                    (width, height) = (BinaryPrimitives.ReadInt32BigEndian(data), BinaryPrimitives.ReadInt32BigEndian(data[4..]));
                    (depth, colour, interlace) = (data[8], data[9], data[12]);
                    break;
                case "PLTE":
                    palette = data.ToArray();
                    break;
                case "tRNS":
                    alphas = data.ToArray();
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }

            pos += 12 + length;
            if (type == "IEND")
            {
                break;
            }
        }

        if (width < 1 || height < 1 || width > 4096 || height > 4096)
        {
            throw new InvalidDataException($"PNG size {width}x{height} is outside 1..4096");
        }

        if (depth != 8 || interlace != 0 || colour is 1 or 5 or > 6)
        {
            throw new InvalidDataException($"PNG with bit depth {depth}, colour type {colour}, interlace {interlace}: only 8-bit, not interlaced pictures are read");
        }

        int channels = colour switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        int stride = width * channels;
        byte[] raw = new byte[(stride + 1) * height];
        idat.Position = 0;
        using (var z = new ZLibStream(idat, CompressionMode.Decompress))
        {
            int read = 0;
            while (read < raw.Length && z.Read(raw, read, raw.Length - read) is var n and > 0)
            {
                read += n;
            }

            if (read < raw.Length)
            {
                throw new InvalidDataException("PNG image data is shorter than its size says");
            }
        }

        var rgba = new float[width * height * 4];
        byte[] prev = new byte[stride], line = new byte[stride];
        for (int y = 0; y < height; y++)
        {
            Unfilter(raw[y * (stride + 1)], raw.AsSpan((y * (stride + 1)) + 1, stride), prev, line, channels);
            for (int x = 0; x < width; x++)
            {
                int r, g, b, a = 255;
                int i = x * channels;
                switch (colour)
                {
                    case 0: r = g = b = line[i]; break;
                    case 4: r = g = b = line[i]; a = line[i + 1]; break;
                    case 2: (r, g, b) = (line[i], line[i + 1], line[i + 2]); break;
                    case 3:
                        int k = line[i];
                        if (k * 3 + 2 >= palette.Length)
                        {
                            throw new InvalidDataException("PNG palette index out of range");
                        }

                        (r, g, b) = (palette[k * 3], palette[(k * 3) + 1], palette[(k * 3) + 2]);
                        a = k < alphas.Length ? alphas[k] : 255;
                        break;
                    default: (r, g, b, a) = (line[i], line[i + 1], line[i + 2], line[i + 3]); break;
                }

                float alpha = a / 255f;
                int o = ((y * width) + x) * 4;
                (rgba[o], rgba[o + 1], rgba[o + 2], rgba[o + 3]) = (r * alpha, g * alpha, b * alpha, alpha);
            }

            (prev, line) = (line, prev);
        }

        return rgba;
    }

    private static void Unfilter(byte filter, ReadOnlySpan<byte> src, byte[] prev, byte[] line, int bpp)
    {
        for (int i = 0; i < src.Length; i++)
        {
            int left = i >= bpp ? line[i - bpp] : 0, up = prev[i], upLeft = i >= bpp ? prev[i - bpp] : 0;
            int predicted = filter switch
            {
                0 => 0,
                1 => left,
                2 => up,
                3 => (left + up) / 2,
                4 => Paeth(left, up, upLeft),
                _ => throw new InvalidDataException($"PNG row filter {filter} is unknown"),
            };
            line[i] = (byte)(src[i] + predicted);
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
