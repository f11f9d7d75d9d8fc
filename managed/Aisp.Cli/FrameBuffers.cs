using Aisp.Core;
using Aisp.Core.Frames;
using OpenCvSharp;
using CvMat = OpenCvSharp.Mat;

namespace Aisp.Cli;

/// <summary>
/// Holds one picture in the pixel format the core should see (BGRA, RGBA, NV12 or I420), converted
/// from and back to OpenCV's BGR. Buffers are kept between frames of a video, so a steady run
/// reallocates nothing. Shared by the CLI and the tests.
/// </summary>
public sealed unsafe class FrameBuffers : IDisposable
{
    private readonly CvMat _packed = new();
    private readonly CvMat _i420 = new();
    private byte[] _nv12 = [];

    public FrameBuffers(PixelFormat format) => Format = format;

    public PixelFormat Format { get; }

    public int Width { get; private set; }

    public int Height { get; private set; }

    public static PixelFormat ParseFormat(string name) => name.ToLowerInvariant() switch
    {
        "bgra" => PixelFormat.Bgra,
        "bgrx" => PixelFormat.Bgrx,
        "rgba" => PixelFormat.Rgba,
        "nv12" => PixelFormat.Nv12,
        "i420" => PixelFormat.I420,
        _ => throw new AispException(ErrorKind.InvalidArgument, $"unknown pixel format '{name}' (bgra, bgrx, rgba, nv12, i420)"),
    };

    /// <summary>Loads a BGR picture into the buffers. YUV formats need even sizes; odd edges are cropped.</summary>
    public void Load(CvMat bgr)
    {
        Width = bgr.Width;
        Height = bgr.Height;
        switch (Format)
        {
            case PixelFormat.Bgra or PixelFormat.Bgrx:
                Cv2.CvtColor(bgr, _packed, ColorConversionCodes.BGR2BGRA);
                break;
            case PixelFormat.Rgba:
                Cv2.CvtColor(bgr, _packed, ColorConversionCodes.BGR2RGBA);
                break;
            default:
                Width &= ~1;
                Height &= ~1;
                using (CvMat even = bgr[new Rect(0, 0, Width, Height)])
                {
                    Cv2.CvtColor(even, _i420, ColorConversionCodes.BGR2YUV_I420);
                }

                if (Format == PixelFormat.Nv12)
                {
                    I420ToNv12();
                }

                break;
        }
    }

    /// <summary>A core frame over the buffers; valid until the next <see cref="Load"/>.</summary>
    public Frame AsFrame(long timestampNs = 0)
    {
        Span<nint> planes = stackalloc nint[3];
        Span<long> strides = stackalloc long[3];
        byte* y = _i420.DataPointer;
        int w = Width, h = Height;
        switch (Format)
        {
            case PixelFormat.Bgra or PixelFormat.Bgrx or PixelFormat.Rgba:
                planes[0] = (nint)_packed.DataPointer;
                strides[0] = _packed.Step();
                break;
            case PixelFormat.I420:
                planes[0] = (nint)y;
                planes[1] = (nint)(y + (w * h));
                planes[2] = (nint)(y + (w * h) + (w * h / 4));
                strides[0] = w;
                strides[1] = w / 2;
                strides[2] = w / 2;
                break;
            default:
                fixed (byte* p = _nv12)
                {
                    // _nv12 comes from GC.AllocateArray(pinned: true): the pointer stays valid after 'fixed'.
                    planes[0] = (nint)p;
                    planes[1] = (nint)(p + (w * h));
                }

                strides[0] = w;
                strides[1] = w;
                break;
        }

        return FrameValidator.Validate(Format, w, h, planes, strides, timestampNs, ColorMatrix.Bt601, ColorRange.Full);
    }

    /// <summary>Converts the buffers back to BGR into <paramref name="bgr"/>.</summary>
    public void Store(CvMat bgr)
    {
        switch (Format)
        {
            case PixelFormat.Bgra or PixelFormat.Bgrx:
                Cv2.CvtColor(_packed, bgr, ColorConversionCodes.BGRA2BGR);
                break;
            case PixelFormat.Rgba:
                Cv2.CvtColor(_packed, bgr, ColorConversionCodes.RGBA2BGR);
                break;
            default:
                if (Format == PixelFormat.Nv12)
                {
                    Nv12ToI420();
                }

                Cv2.CvtColor(_i420, bgr, ColorConversionCodes.YUV2BGR_I420);
                break;
        }
    }

    /// <summary>The buffers as BGRA with their alpha (a transparent background), for formats that carry alpha; null for the others.</summary>
    public CvMat? StoreWithAlpha()
    {
        if (Format is not (PixelFormat.Bgra or PixelFormat.Rgba))
        {
            return null;
        }

        var bgra = new CvMat();
        if (Format == PixelFormat.Rgba)
        {
            Cv2.CvtColor(_packed, bgra, ColorConversionCodes.RGBA2BGRA);
        }
        else
        {
            _packed.CopyTo(bgra);
        }

        return bgra;
    }

    /// <summary>Puts back packed pixels taken with <see cref="Snapshot"/> (no allocation: for steady-state loops).</summary>
    public void Restore(ReadOnlySpan<byte> snapshot)
    {
        if (Format is not (PixelFormat.Bgra or PixelFormat.Bgrx or PixelFormat.Rgba))
        {
            throw new InvalidOperationException("Restore handles packed formats only");
        }

        for (int y = 0; y < Height; y++)
        {
            snapshot.Slice(y * Width * 4, Width * 4).CopyTo(new Span<byte>(_packed.DataPointer + (y * _packed.Step()), Width * 4));
        }
    }

    /// <summary>Raw bytes of every plane, concatenated (for exact before/after comparisons).</summary>
    public byte[] Snapshot() => Format switch
    {
        PixelFormat.Bgra or PixelFormat.Bgrx or PixelFormat.Rgba => PackedBytes(),
        PixelFormat.Nv12 => _nv12[..(Width * Height * 3 / 2)],
        _ => I420Bytes(),
    };

    public void Dispose()
    {
        _packed.Dispose();
        _i420.Dispose();
    }

    private byte[] PackedBytes()
    {
        var bytes = new byte[Width * Height * 4];
        for (int y = 0; y < Height; y++)
        {
            new ReadOnlySpan<byte>(_packed.DataPointer + (y * _packed.Step()), Width * 4).CopyTo(bytes.AsSpan(y * Width * 4));
        }

        return bytes;
    }

    private byte[] I420Bytes() => new ReadOnlySpan<byte>(_i420.DataPointer, Width * Height * 3 / 2).ToArray();

    private void I420ToNv12()
    {
        int w = Width, h = Height, lumaSize = w * h, quarter = lumaSize / 4;
        if (_nv12.Length < lumaSize * 3 / 2)
        {
            _nv12 = GC.AllocateArray<byte>(lumaSize * 3 / 2, pinned: true);
        }

        var src = new ReadOnlySpan<byte>(_i420.DataPointer, lumaSize * 3 / 2);
        src[..lumaSize].CopyTo(_nv12);
        for (int i = 0; i < quarter; i++)
        {
            _nv12[lumaSize + (2 * i)] = src[lumaSize + i];
            _nv12[lumaSize + (2 * i) + 1] = src[lumaSize + quarter + i];
        }
    }

    private void Nv12ToI420()
    {
        int w = Width, h = Height, lumaSize = w * h, quarter = lumaSize / 4;
        var dst = new Span<byte>(_i420.DataPointer, lumaSize * 3 / 2);
        _nv12.AsSpan(0, lumaSize).CopyTo(dst);
        for (int i = 0; i < quarter; i++)
        {
            dst[lumaSize + i] = _nv12[lumaSize + (2 * i)];
            dst[lumaSize + quarter + i] = _nv12[lumaSize + (2 * i) + 1];
        }
    }
}
