namespace Aisp.Core.Frames;

/// <summary>Frame layouts the core works on in place (values equal aisp_pixel_format).</summary>
public enum PixelFormat
{
    Unknown = 0,
    Bgra = 1,
    Bgrx = 2,
    Rgba = 3,
    Nv12 = 4,
    I420 = 5,
}

public enum ColorMatrix
{
    Bt601 = 0,
    Bt709 = 1,
}

public enum ColorRange
{
    Partial = 0,
    Full = 1,
}
