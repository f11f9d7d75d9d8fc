using System.Runtime.InteropServices;

namespace Aisp.Native.Interop;

// C# mirrors of the structs in interop/aisp.h, field for field. AbiMirrorTests compiles the
// header and checks sizeof, every offsetof and the array capacities against these.
#pragma warning disable CA1051 // plain ABI structs: public fields are the point
#pragma warning disable CA1815 // never compared

public static class AbiConstants
{
    public const uint AbiVersion = Aisp.Core.BuildInfo.AbiVersion;
    public const int MaxPlanes = 4;
    public const int NameCapacity = 32;
    public const int ErrorCapacity = 256;
}

[StructLayout(LayoutKind.Sequential)]
public unsafe struct AispFrame
{
    public uint StructSize;
    public int Format;
    public uint Width;
    public uint Height;
    [AbiName("planes[0]")] public byte* Plane0;
    [AbiName("planes[1]")] public byte* Plane1;
    [AbiName("planes[2]")] public byte* Plane2;
    [AbiName("planes[3]")] public byte* Plane3;
    [AbiName("strides[0]")] public uint Stride0;
    [AbiName("strides[1]")] public uint Stride1;
    [AbiName("strides[2]")] public uint Stride2;
    [AbiName("strides[3]")] public uint Stride3;
    public ulong TimestampNs;
    public int ColorMatrix;
    public int ColorRange;
}

[StructLayout(LayoutKind.Sequential)]
public struct AispGpuFrame
{
    public uint StructSize;
    public uint Flags;
    public nint Source;
    public uint Width;
    public uint Height;
    public ulong TimestampNs;
}

[StructLayout(LayoutKind.Sequential)]
public struct AispStageStats
{
    public double LastMs;
    public double P50Ms;
    public double P95Ms;
    public double P99Ms;
}

[StructLayout(LayoutKind.Sequential)]
public unsafe struct AispStats
{
    public uint StructSize;
    public uint FacesLastFrame;
    public ulong FramesProcessed;
    public ulong FramesFailed;
    public ulong Errors;
    public ulong FramesDropped;
    public ulong FramesAnalysed;
    public int LastErrorCode;
    public int Quality;
    public double Fps;
    public double ResultAgeMs;
    public double BudgetShare;
    [AbiName("stages[0]")] public AispStageStats Stage0;
    [AbiName("stages[1]")] public AispStageStats Stage1;
    [AbiName("stages[2]")] public AispStageStats Stage2;
    [AbiName("stages[3]")] public AispStageStats Stage3;
    [AbiName("stages[4]")] public AispStageStats Stage4;
    [AbiName("stages[5]")] public AispStageStats Stage5;
    public fixed byte Engine[AbiConstants.NameCapacity];
    public fixed byte Detector[AbiConstants.NameCapacity];
    public fixed byte ExecutionProvider[AbiConstants.NameCapacity];
    public fixed byte Compositor[AbiConstants.NameCapacity];
    public fixed byte LastError[AbiConstants.ErrorCapacity];
    public fixed byte Notice[AbiConstants.ErrorCapacity];
    public uint FacesKnown;
    public fixed byte State[AbiConstants.NameCapacity];
    public fixed byte Alerts[AbiConstants.ErrorCapacity];
    public uint FacesCovered;
    public uint FacesOverBudget;
    public double AnalysisShare;
}
