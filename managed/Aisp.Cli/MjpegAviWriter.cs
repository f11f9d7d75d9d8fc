using System.Buffers.Binary;
using System.Text;

namespace Aisp.Cli;

/// <summary>
/// Writes Motion-JPEG frames the caller has already encoded into an AVI 1.0 file (RIFF header,
/// one video stream, 'movi' list, 'idx1' index). OpenCV's own MJPG writers re-encode each frame at
/// about 30 ms for 1280x720; libjpeg-turbo through imencode takes about 3 ms, so the CLI encodes and
/// this only lays the bytes down. AVI 1.0 stays readable below 1 GiB; longer outputs should use .mp4.
/// </summary>
public sealed class MjpegAviWriter : IDisposable
{
    private const long MaxBytes = 1L << 30;

    private readonly FileStream _file;
    private readonly List<(uint Offset, uint Size)> _index = [];
    private readonly long _moviStart;
    private readonly int _width, _height;
    private uint _largest;
    private bool _closed;

    public MjpegAviWriter(string path, int width, int height, double fps)
    {
        _width = width;
        _height = height;
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        WriteHeaders(fps, frames: 0, largest: 0);
        _moviStart = _file.Position - 4; // the 'movi' fourcc: index offsets count from it
    }

    public void WriteFrame(ReadOnlySpan<byte> jpeg)
    {
        if (_file.Position + jpeg.Length + 16 > MaxBytes)
        {
            throw new IOException("the AVI output passed 1 GiB; write a shorter clip or use .mp4");
        }

        _index.Add(((uint)(_file.Position - _moviStart), (uint)jpeg.Length));
        _largest = Math.Max(_largest, (uint)jpeg.Length);
        Chunk("00dc", jpeg);
    }

    /// <summary>Writes the index and the final sizes and frame count.</summary>
    public void Close(double fps)
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        long moviEnd = _file.Position;
        Span<byte> entry = stackalloc byte[16];
        Fourcc(_file, "idx1");
        U32(_file, (uint)(_index.Count * 16));
        foreach ((uint offset, uint size) in _index)
        {
            Encoding.ASCII.GetBytes("00dc", entry);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], 0x10); // AVIIF_KEYFRAME
            BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], offset);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[12..], size);
            _file.Write(entry);
        }

        long end = _file.Position;
        _file.Position = 0;
        WriteHeaders(fps, (uint)_index.Count, _largest, riffSize: (uint)(end - 8), moviSize: (uint)(moviEnd - _moviStart));
        _file.Position = end;
        _file.Flush();
    }

    public void Dispose() => _file.Dispose();

    private void WriteHeaders(double fps, uint frames, uint largest, uint riffSize = 0, uint moviSize = 4)
    {
        uint microseconds = (uint)Math.Round(1e6 / fps);
        (uint rate, uint scale) = ((uint)Math.Round(fps * 1000), 1000u);
        Fourcc(_file, "RIFF"); U32(_file, riffSize); Fourcc(_file, "AVI ");
        Fourcc(_file, "LIST"); U32(_file, 4 + 64 + 12 + 64 + 48); Fourcc(_file, "hdrl");
        Fourcc(_file, "avih"); U32(_file, 56);
        U32(_file, microseconds); U32(_file, 0); U32(_file, 0); U32(_file, 0x10); // max bytes/s, padding, AVIF_HASINDEX
        U32(_file, frames); U32(_file, 0); U32(_file, 1); U32(_file, largest);
        U32(_file, (uint)_width); U32(_file, (uint)_height); U32(_file, 0); U32(_file, 0); U32(_file, 0); U32(_file, 0);
        Fourcc(_file, "LIST"); U32(_file, 4 + 64 + 48); Fourcc(_file, "strl");
        Fourcc(_file, "strh"); U32(_file, 56);
        Fourcc(_file, "vids"); Fourcc(_file, "MJPG"); U32(_file, 0); U32(_file, 0); U32(_file, 0);
        U32(_file, scale); U32(_file, rate); U32(_file, 0); U32(_file, frames); U32(_file, largest);
        U32(_file, uint.MaxValue); U32(_file, 0); U32(_file, 0); U32(_file, (uint)(_width | (_height << 16))); // quality -1, rcFrame
        Fourcc(_file, "strf"); U32(_file, 40); // BITMAPINFOHEADER
        U32(_file, 40); U32(_file, (uint)_width); U32(_file, (uint)_height); U32(_file, 1 | (24u << 16)); // planes, bit count
        Fourcc(_file, "MJPG"); U32(_file, (uint)(_width * _height * 3)); U32(_file, 0); U32(_file, 0); U32(_file, 0); U32(_file, 0);
        Fourcc(_file, "LIST"); U32(_file, moviSize); Fourcc(_file, "movi");
    }

    private void Chunk(string id, ReadOnlySpan<byte> data)
    {
        Fourcc(_file, id);
        U32(_file, (uint)data.Length);
        _file.Write(data);
        if ((data.Length & 1) != 0)
        {
            _file.WriteByte(0); // chunks are word aligned
        }
    }

    private static void Fourcc(Stream s, string code)
    {
        Span<byte> b = stackalloc byte[4];
        Encoding.ASCII.GetBytes(code, b);
        s.Write(b);
    }

    private static void U32(Stream s, uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        s.Write(b);
    }
}
