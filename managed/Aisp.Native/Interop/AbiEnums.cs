namespace Aisp.Native.Interop;

// C# mirrors of the enums in interop/aisp.h. AbiMirrorTests checks every name and value
// against the header both ways: AispStatus.InvalidFrame <-> AISP_ERR_INVALID_FRAME and so on.
#pragma warning disable CA1028 // the ABI fixes these as 32-bit ints
#pragma warning disable CA1008 // names follow the header, which has its own zero values

/// <summary>aisp_status (prefix AISP_; "Ok" is AISP_OK, the others AISP_ERR_*).</summary>
public enum AispStatus
{
    Ok = 0,
    InvalidArgument = 1,
    InvalidSettings = 2,
    InvalidFrame = 3,
    Model = 4,
    Inference = 5,
    AbiMismatch = 6,
    Internal = 7,
    SourceImage = 8,
    Graphics = 9,
    Library = 10,
}

/// <summary>aisp_pixel_format (prefix AISP_PIXEL_FORMAT_).</summary>
public enum AispPixelFormat
{
    Unknown = 0,
    Bgra = 1,
    Bgrx = 2,
    Rgba = 3,
    Nv12 = 4,
    I420 = 5,
}

/// <summary>aisp_color_matrix (prefix AISP_COLOR_MATRIX_).</summary>
public enum AispColorMatrix
{
    Bt601 = 0,
    Bt709 = 1,
}

/// <summary>aisp_color_range (prefix AISP_COLOR_RANGE_).</summary>
public enum AispColorRange
{
    Partial = 0,
    Full = 1,
}

/// <summary>aisp_log_level (prefix AISP_LOG_).</summary>
public enum AispLogLevel
{
    Trace = 0,
    Debug = 1,
    Info = 2,
    Warning = 3,
    Error = 4,
    Critical = 5,
}

/// <summary>aisp_stage (prefix AISP_STAGE_).</summary>
public enum AispStage
{
    Handoff = 0,
    Detect = 1,
    Landmarks = 2,
    Engine = 3,
    Composite = 4,
    Total = 5,
    Count = 6,
}

/// <summary>aisp_quality (prefix AISP_QUALITY_).</summary>
public enum AispQuality
{
    Quality = 0,
    Balanced = 1,
    Performance = 2,
}

/// <summary>aisp_render_flags (prefix AISP_RENDER_).</summary>
[Flags]
#pragma warning disable CA1711 // mirrors aisp_render_flags
public enum AispRenderFlags
{
    None = 0,
    Analyse = 1,
    DefaultEffect = 2,
}
#pragma warning restore CA1711
