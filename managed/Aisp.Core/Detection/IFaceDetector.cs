using Aisp.Core.Frames;

namespace Aisp.Core.Detection;

/// <summary>The uniform face-detector interface every detector model sits behind.</summary>
public interface IFaceDetector : IDisposable
{
    /// <summary>Name as used in settings ("blazeface-back", "ultraface", ...).</summary>
    string Name { get; }

    /// <summary>Execution provider in effect for this detector's model.</summary>
    string ExecutionProvider { get; }

    /// <summary>The model's input size: what a frame is letterboxed into (privacy sizes its tiles by it).</summary>
    (int Width, int Height) InputSize { get; }

    /// <summary>Replaces the contents of <paramref name="faces"/> with the faces found, in frame pixels.</summary>
    void Detect(in Frame frame, float minScore, List<Face> faces);
}
