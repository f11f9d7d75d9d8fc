using System.Runtime.InteropServices;

namespace Aisp.Core.IO;

/// <summary>What a path names, as the file system says (without opening it).</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,

    /// <summary>A FIFO, device, socket: opening or reading it can block or never end.</summary>
    Special,
}

/// <summary>
/// Looks a path up without opening it. .NET's FileInfo reports a FIFO or /dev/zero as a normal
/// file of length 0, and opening a FIFO blocks until a writer comes, so on Linux this asks the
/// kernel through statx (glibc 2.28+; its struct has the same layout on every architecture).
/// </summary>
public static unsafe partial class FileProbe
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1, StatxSize = 0x200;
    private const int ModeOffset = 28, SizeOffset = 40, StatxBytes = 256;
    private const int TypeMask = 0xF000, TypeRegular = 0x8000, TypeDirectory = 0x4000;

    private static bool s_noStatx;

    /// <summary>The kind of <paramref name="path"/> and its size in bytes (0 unless regular).</summary>
    public static (FileKind Kind, long Size) Probe(string path)
    {
        if (OperatingSystem.IsLinux() && !Volatile.Read(ref s_noStatx))
        {
            try
            {
                byte* buffer = stackalloc byte[StatxBytes];
                if (Statx(AtFdCwd, path, 0, StatxType | StatxSize, buffer) != 0)
                {
                    return (FileKind.Missing, 0);
                }

                int type = *(ushort*)(buffer + ModeOffset) & TypeMask;
                return type switch
                {
                    TypeRegular => (FileKind.Regular, *(long*)(buffer + SizeOffset)),
                    TypeDirectory => (FileKind.Directory, 0),
                    _ => (FileKind.Special, 0),
                };
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                Volatile.Write(ref s_noStatx, true); // an older C library: FileInfo below
            }
        }

        if (Directory.Exists(path))
        {
            return (FileKind.Directory, 0);
        }

        var info = new FileInfo(path);
        return info.Exists ? (FileKind.Regular, info.Length) : (FileKind.Missing, 0);
    }

    [LibraryImport("libc.so.6", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);
}
