namespace Aisp.Core;

/// <summary>What went wrong, in the terms the C ABI reports (values equal aisp_status).</summary>
public enum ErrorKind
{
    None = 0,
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

/// <summary>
/// The one exception type the core throws on purpose. The export layer turns it into an error
/// code plus message; anything else is reported as <see cref="ErrorKind.Internal"/>.
/// </summary>
public sealed class AispException : Exception
{
    public AispException(ErrorKind kind, string message, Exception? inner = null)
        : base(message, inner) => Kind = kind;

    public ErrorKind Kind { get; }
}
