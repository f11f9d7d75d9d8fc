using Aisp.Core.Frames;
using Aisp.Core.Inference;
using Aisp.Core.Models;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Detection;

/// <summary>
/// Ultra-Light-Fast RFB-320 (the faceplugin package's fr_detect.onnx): letterboxed 320x240 RGB
/// normalised as (p - 127) / 128, 4420 priors whose boxes the graph already decodes into
/// normalised corners, softmax scores. Boxes only; strong on small and grouped faces.
/// </summary>
public sealed class UltraFaceDetector : IFaceDetector
{
    private const int Priors = 4420;
    private const float NmsIoU = 0.3f;

    private readonly ModelEntry _entry;
    private readonly OnnxModel _model;
    private readonly List<Face> _candidates = new(64);

    public UltraFaceDetector(ModelEntry entry, string provider, int threads, ILogger logger)
    {
        _entry = entry.RequireLayout(TensorLayout.Nchw);
        _model = new OnnxModel(entry, "input", [1, 3, entry.InputHeight, entry.InputWidth],
            [("scores", [1, Priors, 2]), ("boxes", [1, Priors, 4])], provider, threads, logger);
    }

    public string Name => _entry.Name;

    public (int Width, int Height) InputSize => (_entry.InputWidth, _entry.InputHeight);

    public string ExecutionProvider => _model.ExecutionProvider;

    public void Detect(in Frame frame, float minScore, List<Face> faces)
    {
        var box = new Letterbox(frame.Width, frame.Height, _entry.InputWidth, _entry.InputHeight);
        TensorFiller.Fill(frame, box, _entry.Layout, _entry.Mean, _entry.Std, _model.Input);
        _model.Run();

        ReadOnlySpan<float> scores = _model.Output(0);
        ReadOnlySpan<float> boxes = _model.Output(1);
        _candidates.Clear();
        for (int i = 0; i < Priors; i++)
        {
            float score = scores[(i * 2) + 1];
            if (score < minScore)
            {
                continue;
            }

            ReadOnlySpan<float> b = boxes.Slice(i * 4, 4);
            _candidates.Add(new Face
            {
                Score = score,
                Box = new BoxF(box.ToFrameX(b[0]), box.ToFrameY(b[1]), box.ToFrameX(b[2]), box.ToFrameY(b[3])),
            });
        }

        WeightedNms.Run(_candidates, NmsIoU, faces);
    }

    public void Dispose() => _model.Dispose();
}
