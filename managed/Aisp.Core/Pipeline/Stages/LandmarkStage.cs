using System.Runtime.InteropServices;
using Aisp.Core.Detection;

namespace Aisp.Core.Pipeline.Stages;

/// <summary>
/// The 68 landmarks of each face, when an engine needs them. On a detection frame it records where
/// the box sits relative to the raw landmarks; on a tracking frame the box is put back at that offset
/// from the new raw landmarks (before any smoothing, so the box never inherits the smoothing's lag).
/// </summary>
internal sealed class LandmarkStage : IAnalysisStage
{
    public void Run(AnalysisPass pass)
    {
        if (!pass.WantLandmarks)
        {
            return;
        }

        foreach (ref Face face in CollectionsMarshal.AsSpan(pass.Faces))
        {
            pass.Models!.Landmarker!.Locate(pass.Frame, ref face);
            if (!face.HasLandmarks)
            {
                continue;
            }

            PointF centre = FaceLandmarks.Mean(face.Landmarks, 0, FaceLandmarks.Count);
            float w = face.Box.Width, h = face.Box.Height;
            float bx = (face.Box.Left + face.Box.Right) / 2, by = (face.Box.Top + face.Box.Bottom) / 2;
            if (pass.Detected)
            {
                face.BoxFromLandmarks = new PointF(bx - centre.X, by - centre.Y);
                continue;
            }

            float cx = centre.X + face.BoxFromLandmarks.X, cy = centre.Y + face.BoxFromLandmarks.Y;
            face.Box = new BoxF(cx - (w / 2), cy - (h / 2), cx + (w / 2), cy + (h / 2));
        }
    }
}
