using System.Diagnostics;
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

try
{
    CliOptions options = CliOptions.Parse(args);
    var stopwatch = Stopwatch.StartNew();
    using var runner = new FileRunner(options, loggers);
    int frames = runner.Run();
    string json = StatsJson.Write(runner.Stats, options.Input, options.Output, frames, stopwatch.Elapsed.TotalSeconds);
    Console.WriteLine(json);
    if (options.StatsPath is not null)
    {
        File.WriteAllText(options.StatsPath, json);
    }

    return 0;
}
catch (AispException e)
{
    Console.Error.WriteLine($"aisp: error: {e.Message}");
    if (e.Kind == ErrorKind.InvalidArgument && e.Message.Contains("option", StringComparison.Ordinal))
    {
        Console.Error.WriteLine(CliOptions.Usage);
    }

    return ExitCodes.For(e.Kind, e.Message);
}
