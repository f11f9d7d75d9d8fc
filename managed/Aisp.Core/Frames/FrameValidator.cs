namespace Aisp.Core.Frames;

/// <summary>
/// Turns an untrusted frame description into a <see cref="Frame"/>, or throws
/// <see cref="ErrorKind.InvalidFrame"/> with a message that says which field is wrong.
/// Nothing is read or written through the pointers here.
/// </summary>
public static unsafe class FrameValidator
{
    /// <summary>Largest width or height accepted; 16K covers every OBS canvas.</summary>
    public const int MaxDimension = 16384;

    /// <summary>Largest row stride accepted (bytes); anything larger is a corrupt descriptor.</summary>
    public const int MaxStride = 1 << 20;

    public static Frame Validate(PixelFormat format, long width, long height,
        ReadOnlySpan<nint> planes, ReadOnlySpan<long> strides, long timestampNs,
        ColorMatrix matrix = ColorMatrix.Bt709, ColorRange range = ColorRange.Partial)
    {
        if (width <= 0 || height <= 0 || width > MaxDimension || height > MaxDimension)
        {
            throw Invalid($"frame size {width}x{height} is outside 1..{MaxDimension}");
        }

        int w = (int)width, h = (int)height;
        int cw = (w + 1) / 2;
        Span<long> minRow = stackalloc long[3];
        int planeCount;
        switch (format)
        {
            case PixelFormat.Bgra or PixelFormat.Bgrx or PixelFormat.Rgba:
                planeCount = 1; minRow[0] = 4L * w; break;
            case PixelFormat.Nv12:
                planeCount = 2; minRow[0] = w; minRow[1] = 2L * cw; break;
            case PixelFormat.I420:
                planeCount = 3; minRow[0] = w; minRow[1] = cw; minRow[2] = cw; break;
            default:
                throw Invalid($"pixel format {(int)format} is not supported (BGRA, BGRX, RGBA, NV12, I420 are)");
        }

        if (planes.Length < planeCount || strides.Length < planeCount)
        {
            throw Invalid($"{format} needs {planeCount} planes");
        }

        for (int i = 0; i < planeCount; i++)
        {
            if (planes[i] == 0)
            {
                throw Invalid($"plane {i} of a {format} frame is null");
            }

            if (strides[i] < minRow[i] || strides[i] > MaxStride)
            {
                throw Invalid($"stride {strides[i]} of plane {i} is outside {minRow[i]}..{MaxStride} for a {w}-pixel-wide {format} frame");
            }
        }

        // Checked for every format, though packed ones ignore them: a value outside the enum is a
        // corrupt or foreign descriptor, and guessing a matrix would paint faces in wrong colours.
        if (!Enum.IsDefined(matrix))
        {
            throw Invalid($"color_matrix {(int)matrix} is not one of 0 (BT.601), 1 (BT.709)");
        }

        if (!Enum.IsDefined(range))
        {
            throw Invalid($"color_range {(int)range} is not one of 0 (partial), 1 (full)");
        }

        return new Frame(format, w, h,
            (byte*)planes[0], planeCount > 1 ? (byte*)planes[1] : null, planeCount > 2 ? (byte*)planes[2] : null,
            (int)strides[0], planeCount > 1 ? (int)strides[1] : 0, planeCount > 2 ? (int)strides[2] : 0,
            timestampNs, matrix, range);
    }

    private static AispException Invalid(string message) => new(ErrorKind.InvalidFrame, "invalid frame: " + message);
}
