using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.ML.OnnxRuntime;

namespace Aisp.Native;

/// <summary>
/// Makes the core load its native libraries (ONNX Runtime, SQLite for the face library) from its own folder, by full path. Left to the runtime's
/// probing, a NativeAOT library looks first in the host executable's folder (AppContext's base
/// directory is OBS's bin folder), so any libonnxruntime.so that OBS or another plugin put there
/// would be loaded instead of the one the core was built and tested with. The folder is the file the
/// loader mapped one of the core's own functions from: dladdr on Linux and macOS, GetModuleHandleEx
/// and GetModuleFileName on Windows. The library names come from Aisp.Core's HostPlatform.
/// </summary>
internal static unsafe partial class OwnLibraries
{
    /// <summary>The DllImport names the core's packages use, and the files beside the core they mean.</summary>
    private static readonly Dictionary<string, string> Files = new(StringComparer.Ordinal)
    {
        ["onnxruntime"] = Aisp.Core.Platform.HostPlatform.NativeLibraryFile("onnxruntime"),
        ["e_sqlite3"] = Aisp.Core.Platform.HostPlatform.NativeLibraryFile("e_sqlite3"),
    };

    /// <summary>The core's folder, or null when it cannot be told (then the runtime's own probing applies).</summary>
    public static string? Directory { get; private set; }

#pragma warning disable CA2255 // the core is a library only to its host; to .NET it is the application, and this must run before ONNX Runtime is first touched
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Install()
    {
        if (RuntimeFeature.IsDynamicCodeSupported)
        {
            return; // a managed host (the tests): the core is not a loaded library there, its host probes as usual
        }

        Directory = FindOwnDirectory();
        if (Directory is not null)
        {
            NativeLibrary.SetDllImportResolver(typeof(OrtEnv).Assembly, Resolve);
            NativeLibrary.SetDllImportResolver(typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly, Resolve);
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (Directory is null || !Files.TryGetValue(name, out string? file))
        {
            return 0;
        }

        string path = Path.Combine(Directory, file);
        return NativeLibrary.TryLoad(path, out nint handle) ? handle : 0; // 0: the runtime reports the failure as usual
    }

    private static string? FindOwnDirectory()
    {
        delegate* unmanaged<uint> self = &Exports.AbiVersion;
        string? file;
        try
        {
            file = OperatingSystem.IsWindows() ? WindowsModuleFile((nint)self)
                : OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? UnixModuleFile((nint)self)
                : null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }

        return file is null ? null : Path.GetDirectoryName(Path.GetFullPath(file));
    }

    [SupportedOSPlatform("linux")]
    [SupportedOSPlatform("macos")]
    private static string? UnixModuleFile(nint address)
    {
        DlInfo info = default;
        int found = OperatingSystem.IsMacOS() ? DlAddrMac(address, &info) : OperatingSystem.IsLinux() ? DlAddrLinux(address, &info) : 0;
        return found == 0 || info.FileName == 0 ? null : Marshal.PtrToStringUTF8(info.FileName);
    }

    [SupportedOSPlatform("windows")]
    private static string? WindowsModuleFile(nint address)
    {
        const uint FromAddress = 0x4, UnchangedRefCount = 0x2;
        if (GetModuleHandleExW(FromAddress | UnchangedRefCount, address, out nint module) == 0)
        {
            return null;
        }

        char* name = stackalloc char[32768];
        uint length = GetModuleFileNameW(module, name, 32768);
        return length == 0 ? null : new string(name, 0, (int)length);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct DlInfo
    {
        public nint FileName;
        public nint BaseAddress;
        public nint SymbolName;
        public nint SymbolAddress;
    }

    // glibc 2.34+ has dladdr in libc itself (it used to be in libdl, which still forwards to it).
    [SupportedOSPlatform("linux")]
    [LibraryImport("libc.so.6", EntryPoint = "dladdr")]
    private static partial int DlAddrLinux(nint address, DlInfo* info);

    [SupportedOSPlatform("macos")]
    [LibraryImport("libSystem.dylib", EntryPoint = "dladdr")]
    private static partial int DlAddrMac(nint address, DlInfo* info);

    [SupportedOSPlatform("windows")]
    [LibraryImport("kernel32.dll")]
    private static partial int GetModuleHandleExW(uint flags, nint address, out nint module);

    [SupportedOSPlatform("windows")]
    [LibraryImport("kernel32.dll")]
    private static partial uint GetModuleFileNameW(nint module, char* name, uint size);
}
