namespace Aisp.Core;

/// <summary>
/// Exit codes of the aisp command, one per kind of failure, so scripts can tell them apart: defined
/// here once for the CLI, and for the server, whose file jobs run "aisp process" workers and say
/// what their exit meant.
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 2;
    public const int UnreadableInput = 3;
    public const int Model = 4;
    public const int UnwritableOutput = 5;
    public const int Processing = 6;
    public const int Library = 7;

    /// <summary>aisp suggest: the server refused or could not be reached.</summary>
    public const int Server = 8;

    /// <summary>aisp suggest: nothing of the instruction was understood, or only part of it.</summary>
    public const int NothingUnderstood = 9, PartlyUnderstood = 10;

    /// <summary>What a worker's exit code means, for a failed job's message.</summary>
    public static string Meaning(int code) => code switch
    {
        Ok => "ok",
        Usage => "bad settings",
        UnreadableInput => "unreadable input",
        Model => "model error",
        UnwritableOutput => "unwritable output",
        Processing => "processing error (with privacy: frames whose analysis failed were covered whole)",
        Library => "face library error (with privacy: every face was covered)",
        > 128 => $"the worker was killed by signal {code - 128}",
        _ => "worker failure",
    };

    /// <summary>Marker at the start of messages of I/O failures raised by the CLI's file runner.</summary>
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
