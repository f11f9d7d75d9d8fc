using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Aisp.Core.Platform;

/// <summary>
/// statx(2) on Linux (glibc 2.28+; its struct has the same layout on every architecture): what a
/// path names without opening it, which .NET cannot say (it reports a FIFO or /dev/zero as an empty
/// file). Elsewhere, or with an older C library, <see cref="TryStat"/> says it cannot, and the
/// caller falls back to what .NET offers. One of the core's two calls into the C library, both in this folder.
/// </summary>
public static unsafe partial class LinuxFileStatus
{
    public const int TypeMask = 0xF000, TypeRegular = 0x8000, TypeDirectory = 0x4000;

    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1, StatxSize = 0x200;
    private const int ModeOffset = 28, SizeOffset = 40, StatxBytes = 256;

    private static bool s_unavailable;

    /// <summary>False when statx cannot be asked here (not Linux, an old C library); else whether the path exists, with its type bits and size.</summary>
    public static bool TryStat(string path, out bool exists, out int type, out long size)
    {
        (exists, type, size) = (false, 0, 0);
        if (!OperatingSystem.IsLinux() || Volatile.Read(ref s_unavailable))
        {
            return false;
        }

        try
        {
            byte* buffer = stackalloc byte[StatxBytes];
            if (Statx(AtFdCwd, path, 0, StatxType | StatxSize, buffer) != 0)
            {
                return true;
            }

            (exists, type, size) = (true, *(ushort*)(buffer + ModeOffset) & TypeMask, *(long*)(buffer + SizeOffset));
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            Volatile.Write(ref s_unavailable, true);
            return false;
        }
    }

    [SupportedOSPlatform("linux")]
    [LibraryImport("libc.so.6", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);
}
