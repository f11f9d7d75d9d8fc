using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Landmarks;
using Aisp.Core.Swap;

namespace Aisp.Core.Source;

/// <summary>Finds and landmarks the face of a source picture; refuses pictures that cannot serve.</summary>
public static class SourceFaceBuilder
{
    /// <summary>Largest source picture accepted, per side; bigger ones are refused with a message, not resized.</summary>
    public const int MaxSide = 4096;

    public static SourceFace Build(string label, in Frame image, IFaceDetector detector, ILandmarker landmarker, FaceMesh? mesh, float confidence)
    {
        if (image.Width > MaxSide || image.Height > MaxSide)
        {
            throw Unusable($"source image {label} is {image.Width}x{image.Height}; the largest accepted is {MaxSide}x{MaxSide}, scale it down");
        }

        var faces = new List<Face>();
        detector.Detect(image, confidence, faces);
        if (faces.Count == 0)
        {
            throw Unusable($"source image {label} has no face that {detector.Name} can find");
        }

        Face largest = faces[0];
        foreach (Face f in faces)
        {
            if (f.Box.Area > largest.Box.Area)
            {
                largest = f;
            }
        }

        landmarker.Locate(image, ref largest);
        if (mesh is not null && !largest.HasMesh)
        {
            MeshLandmarker.LocateMesh(mesh, image, ref largest);
        }
        LabStats colour = largest.HasLandmarks ? LabStats.Measure(image, largest.Landmarks) : default;
        return new SourceFace(label, RgbImage.CopyOf(image), largest, faces.Count, colour);
    }

    private static AispException Unusable(string message) => new(ErrorKind.SourceImage, message);
}
