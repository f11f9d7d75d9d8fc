namespace Aisp.Core.Pipeline.Stages;

/// <summary>The person mask and the layer that replaces or blurs the background, when the settings ask for one; else the result's layer is cleared.</summary>
internal sealed class BackgroundStage : IAnalysisStage
{
    public void Run(AnalysisPass pass)
    {
        Background.BackgroundLayer layer = pass.Result.Background;
        if (pass.Matte is { } matte && pass.Settings.UsesBackground)
        {
            layer.Notice = matte.Paint(pass.Frame, pass.Scale, pass.Settings, pass.BackgroundPicture, layer);
        }
        else
        {
            layer.Clear();
        }
    }
}
