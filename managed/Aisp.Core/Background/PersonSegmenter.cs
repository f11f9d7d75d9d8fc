using Aisp.Core.Frames;
using Aisp.Core.Inference;
using Aisp.Core.Models;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Background;

/// <summary>
/// MediaPipe's selfie segmentation (converted to ONNX at fetch time, models/manifest.json): the
/// whole frame letterboxed into the model's input, one person probability per input pixel out
/// (after the model's own sigmoid). The landscape model (256x144) fits a 16:9 frame without
/// padding; the general one (256x256) suits square and portrait sources.
/// </summary>
public sealed class PersonSegmenter : IDisposable
{
    private readonly ModelEntry _entry;
    private readonly OnnxModel _model;

    public PersonSegmenter(ModelEntry entry, string provider, int threads, ILogger logger)
    {
        _entry = entry.RequireLayout(TensorLayout.Nhwc);
        int w = entry.InputWidth, h = entry.InputHeight;
        string output = entry.Name == "selfie-general" ? "activation_10" : "segment_back";
        _model = new OnnxModel(entry, "input_1", [1, h, w, 3], [(output, [1, h, w, 1])], provider, threads, logger);
    }

    public string Name => _entry.Name;

    public int InputWidth => _entry.InputWidth;

    public int InputHeight => _entry.InputHeight;

    public string ExecutionProvider => _model.ExecutionProvider;

    public static PersonSegmenter Load(string modelsDir, string model, string provider, int threads, ILogger logger) =>
        new(ModelCatalog.Load(modelsDir).Get(model), provider, threads, logger);

    /// <summary>The person probability (0..1) per model input pixel, row by row, for <paramref name="frame"/> placed by <paramref name="box"/>; valid until the next call.</summary>
    public ReadOnlySpan<float> Run(in Frame frame, out Letterbox box)
    {
        box = new Letterbox(frame.Width, frame.Height, InputWidth, InputHeight);
        TensorFiller.Fill(frame, box, _entry.Layout, _entry.Mean, _entry.Std, _model.Input);
        _model.Run();
        return _model.Output(0);
    }

    public void Dispose() => _model.Dispose();
}
