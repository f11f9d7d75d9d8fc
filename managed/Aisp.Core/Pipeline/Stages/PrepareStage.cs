using System.Runtime.InteropServices;
using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Settings;
using Aisp.Core.Source;

namespace Aisp.Core.Pipeline.Stages;

/// <summary>
/// The slow part of an engine that needs <see cref="EngineNeeds.Prepared"/> (a swap model's crops,
/// AR's layers), here on the analysis thread and never on the frame thread: once per run of faces
/// sharing a source face, for the engine about to take over if it needs crops, else the one drawing.
/// The result says which engine its crops are for.
/// </summary>
internal sealed class PrepareStage : IAnalysisStage
{
    private readonly SourceGroups _groups = new();
    private readonly Face[] _faces = new Face[AnalysisResult.MaxFaces];

    public void Run(AnalysisPass pass)
    {
        AnalysisResult result = pass.Result;
        IFrameEngine preparing = pass.Engines!.Preparing;
        result.Crops.Clear();
        result.Crops.Scale = pass.Scale;
        if (pass.WantLandmarks && (preparing.Needs & EngineNeeds.Prepared) != 0)
        {
            bool realOnly = (preparing.Needs & EngineNeeds.RealFaces) == EngineNeeds.RealFaces;
            int n = 0;
            foreach (ref readonly Face face in CollectionsMarshal.AsSpan(pass.Faces))
            {
                if (n < _faces.Length && (!realOnly || PaintedFaces.Paintable(face)))
                {
                    _faces[n++] = face; // a face the engine will not paint is not prepared either
                }
            }

            _groups.Arrange(_faces.AsSpan(0, n), pass.Sources, pass.Settings.SwapUnknown == SwapUnknownModes.Default);
            foreach (SourceGroup g in _groups.Groups)
            {
                preparing.Prepare(pass.Frame, _faces.AsSpan(g.Start, g.Count), g.Source, result.Crops);
            }

            if (_groups.Groups.IsEmpty)
            {
                result.Crops.MarkPrepared(); // every face is left alone: nothing to prepare, and nothing missing
            }
        }

        result.PreparedFor = result.Crops.Prepared ? preparing : null;
    }
}
