using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Frames;
using Aisp.Core.Settings;

namespace Aisp.Core.Pipeline.Stages;

/// <summary>What one analysis of one frame works on: set by the pipeline, refined by each stage in turn. One object, reused.</summary>
internal sealed class AnalysisPass
{
    public Frame Frame { get; set; }

    /// <summary>The faces, carried over from the previous pass and refined by the stages.</summary>
    public List<Face> Faces { get; } = new(AnalysisResult.MaxFaces);

    /// <summary>Every face the upright whole-frame detection found this round, also those over the per-face budget.</summary>
    public List<Coverage.Sighting> Found { get; } = new(64);

    /// <summary>Faces found beyond the per-face budget (<see cref="AnalysisResult.MaxFaces"/>) this round: covered from their boxes only.</summary>
    public int OverBudget { get; set; }

    /// <summary>Boxes privacy covers besides <see cref="Faces"/>: faces over the budget, found only in turned views or tiles, or lost and coasting.</summary>
    public List<BoxF> Covers { get; } = new(64);

    public PipelineSettings Settings { get; set; } = new();

    public AnalysisModels? Models { get; set; }

    /// <summary>Output pixels per frame pixel (a downscaled or decimated copy).</summary>
    public float Scale { get; set; } = 1;

    /// <summary>The result this pass fills (the producer side of the results' triple buffer).</summary>
    public AnalysisResult Result { get; set; } = new();

    /// <summary>The engine drawing and the one about to take over.</summary>
    public EngineSlot? Engines { get; set; }

    /// <summary>The source faces in use (swaps).</summary>
    public Source.SourceBook Sources { get; set; } = Source.SourceBook.Empty;

    /// <summary>The person mask's model, when the settings ask for a background.</summary>
    public Background.BackgroundMatte? Matte { get; set; }

    /// <summary>The picture that replaces the background (background "replace"), or null.</summary>
    public Background.BackgroundPicture? BackgroundPicture { get; set; }

    /// <summary>What the engines in use and about to take over need.</summary>
    public EngineNeeds Needs { get; set; }

    /// <summary>Seconds since the previous analysed frame (0 for the first).</summary>
    public float Dt { get; set; }

    /// <summary>Set by detection when it ran on this frame (else the faces were carried forward).</summary>
    public bool Detected { get; set; }

    /// <summary>Stopwatch ticks when detection finished (or the pass began, when it did not run).</summary>
    public long DetectedTicks { get; set; }

    public bool WantFaces => Models is not null && (Needs & EngineNeeds.Faces) != 0;

    public bool WantCoverage => WantFaces && (Needs & EngineNeeds.Coverage) == EngineNeeds.Coverage;

    public bool WantLandmarks => WantFaces && Models!.Landmarker is not null && (Needs & EngineNeeds.Landmarks) == EngineNeeds.Landmarks;
}
