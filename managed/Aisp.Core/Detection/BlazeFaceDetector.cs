using Aisp.Core.Frames;
using Aisp.Core.Inference;
using Aisp.Core.Models;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Detection;

/// <summary>
/// MediaPipe BlazeFace (front 128 or back 256) through ONNX Runtime: letterboxed RGB input in
/// [-1, 1], 896 anchors, sigmoid scores, box and six keypoints per anchor, weighted NMS.
/// </summary>
public sealed class BlazeFaceDetector : IFaceDetector
{
    private const int RegressorWidth = 16;
    private const float NmsIoU = 0.3f;

    private readonly ModelEntry _entry;
    private readonly OnnxModel _model;
    private readonly float[] _anchors = BlazeFaceAnchors.CentresXy();
    private readonly List<Face> _candidates = new(64);

    public BlazeFaceDetector(ModelEntry entry, string provider, int threads, ILogger logger)
    {
        _entry = entry.RequireLayout(TensorLayout.Nhwc);
        int size = entry.InputWidth;
        int second = BlazeFaceAnchors.Count - BlazeFaceAnchors.FirstLayerCount;
        _model = new OnnxModel(entry, "input:0", [1, size, size, 3],
        [
            ("Identity:0", [1, BlazeFaceAnchors.FirstLayerCount, 1]),
            ("Identity_1:0", [1, second, 1]),
            ("Identity_2:0", [1, BlazeFaceAnchors.FirstLayerCount, RegressorWidth]),
            ("Identity_3:0", [1, second, RegressorWidth]),
        ], provider, threads, logger);
    }

    public string Name => _entry.Name;

    public (int Width, int Height) InputSize => (_entry.InputWidth, _entry.InputHeight);

    public string ExecutionProvider => _model.ExecutionProvider;

    public void Detect(in Frame frame, float minScore, List<Face> faces)
    {
        var box = new Letterbox(frame.Width, frame.Height, _entry.InputWidth, _entry.InputHeight);
        TensorFiller.Fill(frame, box, _entry.Layout, _entry.Mean, _entry.Std, _model.Input);
        _model.Run();

        _candidates.Clear();
        Decode(_model.Output(0), _model.Output(2), 0, box, minScore);
        Decode(_model.Output(1), _model.Output(3), BlazeFaceAnchors.FirstLayerCount, box, minScore);
        WeightedNms.Run(_candidates, NmsIoU, faces);
    }

    private void Decode(ReadOnlySpan<float> logits, ReadOnlySpan<float> regressors, int anchorBase, in Letterbox box, float minScore)
    {
        // Compare in logit space: one log per frame instead of an exp per anchor.
        float p = Math.Clamp(minScore, 1e-6f, 1 - 1e-6f);
        float minLogit = MathF.Log(p / (1 - p));
        float inv = 1f / _entry.InputWidth;
        for (int i = 0; i < logits.Length; i++)
        {
            float logit = Math.Clamp(logits[i], -100f, 100f);
            if (logit < minLogit)
            {
                continue;
            }

            ReadOnlySpan<float> r = regressors.Slice(i * RegressorWidth, RegressorWidth);
            float ax = _anchors[(anchorBase + i) * 2], ay = _anchors[((anchorBase + i) * 2) + 1];
            float cx = (r[0] * inv) + ax, cy = (r[1] * inv) + ay;
            float hw = r[2] * inv * 0.5f, hh = r[3] * inv * 0.5f;
            var face = new Face
            {
                Score = 1f / (1f + MathF.Exp(-logit)),
                Box = new BoxF(box.ToFrameX(cx - hw), box.ToFrameY(cy - hh), box.ToFrameX(cx + hw), box.ToFrameY(cy + hh)),
                HasKeypoints = true,
            };
            for (int k = 0; k < FaceKeypoints.Count; k++)
            {
                face.Keypoints[k] = new PointF(box.ToFrameX((r[4 + (2 * k)] * inv) + ax), box.ToFrameY((r[5 + (2 * k)] * inv) + ay));
            }

            _candidates.Add(face);
        }
    }

    public void Dispose() => _model.Dispose();
}
