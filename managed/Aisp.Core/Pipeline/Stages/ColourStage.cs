using System.Runtime.InteropServices;
using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Swap;

namespace Aisp.Core.Pipeline.Stages;

/// <summary>The colour of each face inside its landmark outline, for the mesh swap (either compositor) to match.</summary>
internal sealed class ColourStage : IAnalysisStage
{
    public void Run(AnalysisPass pass)
    {
        if (!pass.WantLandmarks || (pass.Needs & EngineNeeds.SourceFace) == 0)
        {
            return;
        }

        foreach (ref Face face in CollectionsMarshal.AsSpan(pass.Faces))
        {
            face.Colour = face.HasLandmarks ? LabStats.Measure(pass.Frame, face.Landmarks) : default;
        }
    }
}
