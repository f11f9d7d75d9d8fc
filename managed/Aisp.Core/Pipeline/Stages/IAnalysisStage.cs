namespace Aisp.Core.Pipeline.Stages;

/// <summary>
/// One step of analysis (detect, landmarks, track, colour, recognise, and later segmentation): it
/// reads and refines the faces of the <see cref="AnalysisPass"/> in place. Stages run in order on
/// the analysis thread, allocate nothing per frame, and decide themselves whether the pass needs
/// them (a stage with nothing to do returns at once).
/// </summary>
internal interface IAnalysisStage
{
    void Run(AnalysisPass pass);
}
