using System.Text;
using Microsoft.Extensions.Logging;

namespace Aisp.Native;

/// <summary>
/// Microsoft.Extensions.Logging provider that forwards every line to the C log callback
/// (OBS's blog in the plugin), or to stderr while none is set.
/// </summary>
internal sealed unsafe class NativeLog : ILoggerProvider
{
    private static delegate* unmanaged<nint, int, byte*, void> s_callback;
    private static nint s_userData;
    private static volatile int s_minLevel = (int)LogLevel.Information;

    public static ILoggerFactory Factory { get; } = LoggerFactory.Create(b => b
        .SetMinimumLevel(LogLevel.Trace)
        .AddProvider(new NativeLog()));

    public static void SetCallback(delegate* unmanaged<nint, int, byte*, void> callback, nint userData, int minLevel)
    {
        s_userData = userData;
        s_callback = callback;
        s_minLevel = Math.Clamp(minLevel, (int)LogLevel.Trace, (int)LogLevel.Critical);
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

    public void Dispose()
    {
    }

    private static void Write(LogLevel level, string category, string message)
    {
        string line = $"[{category}] {message}";
        delegate* unmanaged<nint, int, byte*, void> callback = s_callback;
        if (callback == null)
        {
            Console.Error.WriteLine($"aisp {level}: {line}");
            return;
        }

        byte[] utf8 = new byte[Encoding.UTF8.GetMaxByteCount(line.Length) + 1];
        int n = Encoding.UTF8.GetBytes(line, utf8);
        utf8[n] = 0;
        fixed (byte* p = utf8)
        {
            callback(s_userData, (int)level, p);
        }
    }

    private sealed class Logger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && (int)logLevel >= s_minLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            try
            {
                string message = formatter(state, exception);
                Write(logLevel, category, exception is null ? message : $"{message}: {exception.Message}");
            }
#pragma warning disable CA1031 // logging must never take the host down: a line that fails is dropped
            catch (Exception)
            {
            }
#pragma warning restore CA1031
        }
    }
}
