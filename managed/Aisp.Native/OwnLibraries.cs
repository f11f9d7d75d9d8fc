using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Aisp.Native;

/// <summary>
/// Makes the core load its native libraries (ONNX Runtime, SQLite for the face library) from its own folder, by full path. Left to the runtime's
/// probing, a NativeAOT library looks first in the host executable's folder (AppContext's base
/// directory is OBS's bin folder), so any libonnxruntime.so that OBS or another plugin put there
/// would be loaded instead of the one the core was built and tested with. The folder comes from
/// dladdr on one of the core's own functions: the file the dynamic loader mapped it from.
/// </summary>
internal static unsafe partial class OwnLibraries
{
    /// <summary>The DllImport names the core's packages use, and the files beside the core they mean.</summary>
    private static readonly Dictionary<string, string> Files = new(StringComparer.Ordinal)
    {
        ["onnxruntime"] = OperatingSystem.IsWindows() ? "onnxruntime.dll" : "libonnxruntime.so",
        ["e_sqlite3"] = OperatingSystem.IsWindows() ? "e_sqlite3.dll" : "libe_sqlite3.so",
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
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        delegate* unmanaged<uint> self = &Exports.AbiVersion;
        DlInfo info;
        try
        {
            if (DlAddr((nint)self, &info) == 0 || info.FileName == 0)
            {
                return null;
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }

        string? file = Marshal.PtrToStringUTF8(info.FileName);
        return file is null ? null : Path.GetDirectoryName(Path.GetFullPath(file));
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
    [LibraryImport("libc.so.6", EntryPoint = "dladdr")]
    private static partial int DlAddr(nint address, DlInfo* info);
}
