using System.Diagnostics;
using System.Text;
using Aisp.Cli;
using Aisp.Core;
using Microsoft.Extensions.Logging;

using ILoggerFactory loggers = LoggerFactory.Create(b => b
    .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
    .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace) // stdout carries only the statistics JSON
    .AddFilter(null, Environment.GetEnvironmentVariable("AISP_LOG") == "debug" ? LogLevel.Debug : LogLevel.Information));

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.Error.WriteLine(CliOptions.Usage);
    return args.Length == 0 ? 2 : 0;
}

if (args[0] is "--version" or "version")
{
    // "aisp --version": one line; "aisp version --json": the same for scripts and bug reports.
    Console.WriteLine(args.Length > 1 && args[1] == "--json" ? BuildInfo.Describe().ToJsonString() : BuildInfo.Line());
    return ExitCodes.Ok;
}

if (args[0] == "process" && args.Length > 1 && args[1] is "-h" or "--help")
{
    Console.Error.WriteLine(CliOptions.Usage);
    return ExitCodes.Ok;
}

if (args[0] == "faces" && (args.Length == 1 || args[1] is "-h" or "--help"))
{
    Console.Error.WriteLine(FacesCommand.Usage);
    return args.Length == 1 ? ExitCodes.Usage : ExitCodes.Ok;
}

if (args[0] == "suggest" && (args.Length == 1 || args[1] is "-h" or "--help"))
{
    Console.Error.WriteLine(SuggestCommand.Usage);
    return args.Length == 1 ? ExitCodes.Usage : ExitCodes.Ok;
}

if (args[0] == "serve" && args.Length > 1 && args[1] is "-h" or "--help")
{
    Console.Error.WriteLine(ServeCommand.Usage);
    return ExitCodes.Ok;
}

try
{
    if (args[0] == "faces")
    {
        return FacesCommand.Run(args, loggers);
    }

    if (args[0] == "serve")
    {
        return ServeCommand.Run(args);
    }

    if (args[0] == "suggest")
    {
        return await SuggestCommand.RunAsync(args, loggers);
    }

    CliOptions options = CliOptions.Parse(args);
    var stopwatch = Stopwatch.StartNew();
    using var outputs = new OutputFiles(); // removes every file of a run that fails
    string json;
    string? failedClosed;
    int failedClosedCode;
    using (var runner = new FileRunner(options, outputs, loggers))
    {
        int frames = runner.Run();
        json = StatsJson.Write(runner.Stats, options.Input, options.Output, frames, stopwatch.Elapsed.TotalSeconds, runner.FramesCoveredOnFailure);
        (failedClosedCode, failedClosed) = FailClosedOutcome.Of(runner.Stats.Read([]), runner.FramesCoveredOnFailure, frames);
    }

    if (options.StatsPath is not null)
    {
        outputs.Write(options.StatsPath, Encoding.UTF8.GetBytes(json + "\n"));
    }

    outputs.Commit();
    Console.WriteLine(json);
    if (failedClosed is not null)
    {
        // The output is written (privacy covered what it could not vouch for), but the run did not go as asked.
        Console.Error.WriteLine($"aisp: error: {failedClosed}");
        return failedClosedCode;
    }

    return ExitCodes.Ok;
}
catch (AispException e)
{
    Console.Error.WriteLine($"aisp: error: {e.Message}");
    if (e.Kind == ErrorKind.InvalidArgument && args[0] is not "faces" and not "serve" and not "suggest" && e.Message.Contains("option", StringComparison.Ordinal))
    {
        Console.Error.WriteLine(CliOptions.Usage);
    }

    return ExitCodes.For(e.Kind, e.Message);
}
#pragma warning disable CA1031 // the CLI's last word: any failure is an exit code and one line, never an abort
catch (Exception e)
{
    Console.Error.WriteLine($"aisp: error: {(e is IOException ? "" : "internal error: ")}{e.GetType().Name}: {e.Message}");
    return ExitCodes.Processing;
}
#pragma warning restore CA1031
