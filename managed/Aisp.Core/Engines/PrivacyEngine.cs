using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Settings;
using Aisp.Core.Source;

namespace Aisp.Core.Engines;

/// <summary>
/// Anonymises every face by pixelating or blurring its padded box, plane by plane on the frame's
/// own format (luma at full resolution, chroma at half for NV12 and I420), so no colour
/// conversion happens and pixels outside the boxes are never written.
/// </summary>
public sealed unsafe class PrivacyEngine : IFrameEngine
{
    private readonly PrivacyMode _mode;
    private readonly int _strength;
    private readonly float _padding;
    private int _blurPasses = BoxBlur.DefaultPasses;

    public PrivacyEngine(PrivacyMode mode, int strength, float padding)
    {
        _mode = mode;
        _strength = Math.Clamp(strength, 1, 100);
        _padding = padding;
    }

    public string Name => EngineNames.Privacy;

    // Full resolution: privacy's tiles look for faces 16 px tall, which a decimated analysis copy loses
    // (the copy costs the frame thread the same either way, FrameCopy).
    public EngineNeeds Needs => EngineNeeds.Coverage | EngineNeeds.FullResolution;

    public bool DrawsOnGpu => true;

    public bool FailsClosed => true;

    public PrivacyMode Mode => _mode;

    /// <summary>Margin around each face box, as a fraction of its size.</summary>
    public float Padding => _padding;

    /// <summary>Box blur passes at the quality level in effect.</summary>
    public int BlurPasses => _blurPasses;

    /// <summary>Effect size in pixels for a face of the given size: 3% to 25% of it.</summary>
    public int EffectSize(float faceSize) => Math.Max(2, (int)MathF.Round(faceSize * (0.03f + (0.22f * (_strength - 1) / 99f))));

    public string? Apply(in Frame frame, ReadOnlySpan<Face> faces, SourceFace? source)
    {
        foreach (ref readonly Face face in faces)
        {
            FaceRegion r = FaceRegion.From(face.Box, _padding, frame.Width, frame.Height);
            if (r.IsEmpty)
            {
                continue;
            }

            int size = EffectSize(Math.Min(face.Box.Width, face.Box.Height));
            if (frame.IsPacked)
            {
                Run(new PlaneRect(frame.Plane0, frame.Stride0, 4, 3, r.X, r.Y, r.Width, r.Height), size);
                continue;
            }

            // Chroma is subsampled 2x2: its rectangle and effect are halved (rounded up at odd edges).
            int cx = r.X / 2, cy = r.Y / 2, cw = (r.Width + 1) / 2, ch = (r.Height + 1) / 2;
            int chromaSize = Math.Max(1, size / 2);
            Run(new PlaneRect(frame.Plane0, frame.Stride0, 1, 1, r.X, r.Y, r.Width, r.Height), size);
            if (frame.Format == PixelFormat.Nv12)
            {
                Run(new PlaneRect(frame.Plane1, frame.Stride1, 2, 2, cx, cy, cw, ch), chromaSize);
            }
            else
            {
                Run(new PlaneRect(frame.Plane1, frame.Stride1, 1, 1, cx, cy, cw, ch), chromaSize);
                Run(new PlaneRect(frame.Plane2, frame.Stride2, 1, 1, cx, cy, cw, ch), chromaSize);
            }
        }

        return null;
    }

    private void Run(in PlaneRect rect, int size)
    {
        if (_mode == PrivacyMode.Pixelate)
        {
            Pixelate.Apply(rect, size);
        }
        else
        {
            BoxBlur.Apply(rect, Math.Max(1, size / 2), _blurPasses);
        }
    }

    /// <summary>"performance" blurs with one box pass instead of three (coarser, a third of the cost).</summary>
    public void SetQuality(Pipeline.QualityLevel level) =>
        _blurPasses = level == Pipeline.QualityLevel.Performance ? 1 : BoxBlur.DefaultPasses;

    public void Dispose()
    {
    }
}
