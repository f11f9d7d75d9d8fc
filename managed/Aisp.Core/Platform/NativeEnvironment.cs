using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Aisp.Core.Platform;

/// <summary>
/// Sets an environment variable where native libraries read it. On Unix, .NET's
/// SetEnvironmentVariable changes only the runtime's own copy, which the C library's getenv (what
/// ONNX Runtime reads) never sees, so it goes through setenv; on Windows the process environment is
/// the one both read.
/// </summary>
public static partial class NativeEnvironment
{
    /// <summary>Sets <paramref name="name"/>; false when the C library refused.</summary>
    public static bool Set(string name, string value)
    {
        if (OperatingSystem.IsWindows())
        {
            Environment.SetEnvironmentVariable(name, value);
            return true;
        }

        Environment.SetEnvironmentVariable(name, value);
        if (OperatingSystem.IsMacOS())
        {
            return SetEnvMac(name, value, 1) == 0;
        }

        return OperatingSystem.IsLinux() && SetEnvLinux(name, value, 1) == 0;
    }

    [SupportedOSPlatform("linux")]
    [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvLinux(string name, string value, int overwrite);

    [SupportedOSPlatform("macos")]
    [LibraryImport("libSystem.dylib", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvMac(string name, string value, int overwrite);
}
