using System.Runtime.InteropServices;
using Aisp.Core.Landmarks;

namespace Aisp.Core.Pipeline.Stages;

/// <summary>Stable ids across frames, velocities, and One Euro smoothing of the landmarks (<see cref="FaceTracker"/>).</summary>
internal sealed class TrackStage : IAnalysisStage
{
    private readonly FaceTracker _tracker = new();

    public void Run(AnalysisPass pass) =>
        _tracker.Update(CollectionsMarshal.AsSpan(pass.Faces), pass.Frame.TimestampNs, pass.Settings.Stabilize, pass.Settings.Smoothing);
}
