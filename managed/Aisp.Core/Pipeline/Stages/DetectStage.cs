using System.Diagnostics;
using System.Runtime.InteropServices;
using Aisp.Core.Detection;

namespace Aisp.Core.Pipeline.Stages;

/// <summary>
/// Detection on the quality level's cadence (every 1, 3 or 6 analysed frames, and whenever no face
/// is known); between detections the faces are carried forward by their velocity and the landmark
/// stage re-anchors them. Keeps at most <see cref="AnalysisResult.MaxFaces"/>, best scores first.
/// </summary>
internal sealed class DetectStage(Func<QualityGovernor> governor, PipelineStats stats) : IAnalysisStage
{
    private int _sinceDetect;

    public void Run(AnalysisPass pass)
    {
        long start = Stopwatch.GetTimestamp();
        pass.Detected = false;
        pass.DetectedTicks = start;
        List<Face> faces = pass.Faces;
        if (!pass.WantFaces)
        {
            faces.Clear();
            return;
        }

        if (++_sinceDetect >= governor().DetectEvery || faces.Count == 0)
        {
            _sinceDetect = 0;
            pass.Models!.Detector.Detect(pass.Frame, pass.Settings.Confidence, faces);
            if (faces.Count > AnalysisResult.MaxFaces)
            {
                faces.RemoveRange(AnalysisResult.MaxFaces, faces.Count - AnalysisResult.MaxFaces); // a noise frame must not cost hundreds of landmark runs
            }

            pass.Detected = true;
            pass.DetectedTicks = Stopwatch.GetTimestamp();
            stats.RecordStage(Stage.Detect, (pass.DetectedTicks - start) * 1000.0 / Stopwatch.Frequency);
            return;
        }

        foreach (ref Face f in CollectionsMarshal.AsSpan(faces))
        {
            f.Shift(f.Velocity.X * pass.Dt, f.Velocity.Y * pass.Dt);
        }
    }
}
