using Aisp.Core;
using Aisp.Core.Pipeline;

namespace Aisp.Cli;

/// <summary>
/// What a finished run that failed closed tells its caller: frames privacy covered whole because
/// their analysis failed (exit 6), or a face library that could not be read, so every face stayed
/// covered whatever the rule (exit 7). The output is written either way; the exit code says it is
/// not what was asked for.
/// </summary>
public static class FailClosedOutcome
{
    public static (int Code, string? Message) Of(in StatsCounters stats, long coveredOnFailure, int frames)
    {
        if (coveredOnFailure > 0)
        {
            return (ExitCodes.Processing, $"{coveredOnFailure} of {frames} frames covered whole: their analysis failed ({stats.LastError})");
        }

        if (stats.LastErrorKind == ErrorKind.Library)
        {
            return (ExitCodes.Library, $"face library: {stats.LastError}; every face was covered");
        }

        return (ExitCodes.Ok, null);
    }
}
