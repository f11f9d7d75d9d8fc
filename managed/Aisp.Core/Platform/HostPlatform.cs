namespace Aisp.Core.Platform;

/// <summary>
/// What differs between Linux, Windows and macOS for the core, decided in one place: native library
/// file names, the user's data folder, and the ONNX Runtime execution providers that "auto" tries
/// before the CPU (CUDA where the GPU package brings it, DirectML on Windows, CoreML on macOS).
/// docs/PLATFORMS.md says which of these this project has proven on which system.
/// </summary>
public static class HostPlatform
{
    public const string Cuda = "CUDAExecutionProvider", DirectMl = "DmlExecutionProvider", CoreMl = "CoreMLExecutionProvider";

    /// <summary>"linux", "windows", "macos", or "other".</summary>
    public static string Name =>
        OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "macos" : "other";

    /// <summary>The file of a native library by its import name: onnxruntime is libonnxruntime.so, onnxruntime.dll or libonnxruntime.dylib.</summary>
    public static string NativeLibraryFile(string name) =>
        OperatingSystem.IsWindows() ? name + ".dll" : OperatingSystem.IsMacOS() ? "lib" + name + ".dylib" : "lib" + name + ".so";

    /// <summary>The execution providers "auto" tries, best first, before the CPU (which is always there).</summary>
    public static IReadOnlyList<string> AutoProviders =>
        OperatingSystem.IsWindows() ? [Cuda, DirectMl] : OperatingSystem.IsMacOS() ? [CoreMl] : [Cuda];

    /// <summary>
    /// AISP's folder of the user's data (face library, server, assistant history): $XDG_DATA_HOME/aisp or
    /// ~/.local/share/aisp on Linux, %LOCALAPPDATA%\aisp on Windows, ~/Library/Application Support/aisp on macOS.
    /// </summary>
    public static string UserDataDir()
    {
        string root;
        if (OperatingSystem.IsWindows())
        {
            root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        }
        else if (OperatingSystem.IsMacOS())
        {
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "Library", "Application Support");
        }
        else
        {
            root = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return Path.Combine(root, "aisp");
    }
}
