using System.Diagnostics;
using System.Runtime.InteropServices;
using Aisp.Core.Detection;

namespace Aisp.Core.Pipeline.Stages;

/// <summary>
/// Detection on the quality level's cadence (every 1, 3 or 6 analysed frames, and whenever no face
/// is known); between detections the faces are carried forward by their velocity and the landmark
/// stage re-anchors them. Per-face work gets at most <see cref="AnalysisResult.MaxFaces"/> faces, best
/// scores first; every face found is kept in <see cref="AnalysisPass.Found"/> for privacy to cover.
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
            pass.Found.Clear();
            foreach (ref readonly Face f in CollectionsMarshal.AsSpan(faces))
            {
                pass.Found.Add(new Coverage.Sighting(f.Box, 0));
            }

            pass.OverBudget = Math.Max(0, faces.Count - AnalysisResult.MaxFaces);
            if (pass.OverBudget > 0)
            {
                // Per-face work (landmarks, recognition, swaps) is for the best-scoring faces only: a noise
                // frame must not cost hundreds of landmark runs. Privacy still covers every face (Found).
                faces.RemoveRange(AnalysisResult.MaxFaces, pass.OverBudget);
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
