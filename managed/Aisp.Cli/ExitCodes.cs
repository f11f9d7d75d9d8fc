using Aisp.Core;

namespace Aisp.Cli;

/// <summary>Process exit codes of the CLI, one per kind of failure, so scripts can tell them apart.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 2;
    public const int UnreadableInput = 3;
    public const int Model = 4;
    public const int UnwritableOutput = 5;
    public const int Processing = 6;
    public const int Library = 7;

    /// <summary>Marker at the start of messages of I/O failures raised by <see cref="FileRunner"/>.</summary>
    public const string InputPrefix = "cannot read input";
    public const string OutputPrefix = "cannot write output";

    public static int For(ErrorKind kind, string message) => kind switch
    {
        ErrorKind.InvalidArgument when message.StartsWith(InputPrefix, StringComparison.Ordinal) => UnreadableInput,
        ErrorKind.InvalidArgument when message.StartsWith(OutputPrefix, StringComparison.Ordinal) => UnwritableOutput,
        ErrorKind.InvalidArgument or ErrorKind.InvalidSettings => Usage,
        ErrorKind.Model => Model,
        ErrorKind.SourceImage => UnreadableInput,
        ErrorKind.Library => Library,
        _ => Processing,
    };
}
