using Aisp.Core.Pipeline;
using Aisp.Native.Interop;

namespace Aisp.Native;

/// <summary>Copies a pipeline's statistics into the C struct aisp_stats.</summary>
internal static unsafe class StatsWriter
{
    public static void Fill(PipelineStats source, Aisp.Core.Control.FilterMonitor monitor, AispStats* stats)
    {
        Span<StageLatency> stages = stackalloc StageLatency[PipelineStats.StageCount];
        StatsCounters c = source.Read(stages);
        stats->FacesLastFrame = (uint)c.FacesLastFrame;
        stats->FacesKnown = (uint)c.FacesKnown;
        stats->FacesCovered = (uint)c.FacesCovered;
        stats->FacesOverBudget = (uint)c.FacesOverBudget;
        stats->AnalysisShare = c.AnalysisShare;
        stats->FramesProcessed = c.FramesProcessed;
        stats->FramesFailed = c.FramesFailed;
        stats->Errors = c.Errors;
        stats->FramesDropped = c.FramesDropped;
        stats->FramesAnalysed = c.FramesAnalysed;
        stats->LastErrorCode = (int)c.LastErrorKind;
        stats->Quality = (int)c.Quality;
        stats->Fps = c.Fps;
        stats->ResultAgeMs = c.ResultAgeMs;
        stats->BudgetShare = c.BudgetShare;
        AispStageStats* dest = &stats->Stage0;
        for (int i = 0; i < (int)AispStage.Count; i++)
        {
            dest[i] = new AispStageStats { LastMs = stages[i].LastMs, P50Ms = stages[i].P50Ms, P95Ms = stages[i].P95Ms, P99Ms = stages[i].P99Ms };
        }

        Utf8Buffer.CopyTo(c.Engine, stats->Engine, AbiConstants.NameCapacity);
        Utf8Buffer.CopyTo(c.Detector, stats->Detector, AbiConstants.NameCapacity);
        Utf8Buffer.CopyTo(c.ExecutionProvider, stats->ExecutionProvider, AbiConstants.NameCapacity);
        Utf8Buffer.CopyTo(c.Compositor, stats->Compositor, AbiConstants.NameCapacity);
        Utf8Buffer.CopyTo(c.LastError, stats->LastError, AbiConstants.ErrorCapacity);
        Utf8Buffer.CopyTo(c.Notice, stats->Notice, AbiConstants.ErrorCapacity);
        Utf8Buffer.CopyTo(Aisp.Core.Control.FilterStates.Name(monitor.State), stats->State, AbiConstants.NameCapacity);
        Utf8Buffer.CopyTo(monitor.Alerts, stats->Alerts, AbiConstants.ErrorCapacity);
    }
}
