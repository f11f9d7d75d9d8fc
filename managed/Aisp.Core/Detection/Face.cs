using System.Runtime.CompilerServices;

namespace Aisp.Core.Detection;

/// <summary>A point in frame pixels.</summary>
public readonly record struct PointF(float X, float Y);

/// <summary>An axis-aligned box in frame pixels.</summary>
public readonly record struct BoxF(float Left, float Top, float Right, float Bottom)
{
    public float Width => Right - Left;
    public float Height => Bottom - Top;
    public float Area => Math.Max(0, Width) * Math.Max(0, Height);

    public float IoU(in BoxF other)
    {
        float w = Math.Min(Right, other.Right) - Math.Max(Left, other.Left);
        float h = Math.Min(Bottom, other.Bottom) - Math.Max(Top, other.Top);
        if (w <= 0 || h <= 0)
        {
            return 0;
        }

        float inter = w * h;
        return inter / (Area + other.Area - inter);
    }

    public bool Contains(PointF p) => p.X >= Left && p.X <= Right && p.Y >= Top && p.Y <= Bottom;
}

/// <summary>Six keypoints in MediaPipe's order, held inline so faces are plain values.</summary>
[InlineArray(FaceKeypoints.Count)]
public struct FaceKeypoints
{
    public const int Count = 6;
    public const int LeftEye = 0, RightEye = 1, Nose = 2, Mouth = 3, LeftEar = 4, RightEar = 5;

    private PointF _first;
}

#pragma warning disable CA1051 // a plain value type: public fields keep in-place list updates allocation-free
/// <summary>One detected face. A value type so result lists are reused without allocation.</summary>
public struct Face
{
    public BoxF Box;
    public float Score;

    /// <summary>False for detectors that give boxes only (UltraFace).</summary>
    public bool HasKeypoints;

    public FaceKeypoints Keypoints;
}
