using Aisp.Core.Detection;
using Aisp.Core.Frames;

namespace Aisp.Core.Landmarks;

/// <summary>What fills a face's 68 landmarks: the 468-point mesh (any roll) or the 68-point model (upright faces).</summary>
public interface ILandmarker : IDisposable
{
    /// <summary>Fills <see cref="Face.Landmarks"/> (and, where known, <see cref="Face.Roll"/>); clears <see cref="Face.HasLandmarks"/> when it cannot.</summary>
    void Locate(in Frame frame, ref Face face);
}
