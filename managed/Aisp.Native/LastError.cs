using Aisp.Core;

namespace Aisp.Native;

/// <summary>The calling thread's newest error, as aisp_last_error() returns it.</summary>
internal static class LastError
{
    [ThreadStatic]
    private static string? t_message;

    public static Interop.AispStatus Set(ErrorKind kind, string message)
    {
        t_message = message;
        return (Interop.AispStatus)kind;
    }

    public static void Clear() => t_message = null;

    public static string Message => t_message ?? "";
}
