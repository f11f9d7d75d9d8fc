using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Inference;
using Aisp.Core.Models;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Landmarks;

/// <summary>
/// iBUG 68-point landmarks (the faceplugin package's fr_landmark.onnx) on each face box: the box,
/// kept inside the frame, stretched to 64x64 grayscale in [0, 1); outputs x,y relative to the box.
/// Upright faces only (the crop is never turned): the "landmarks": "68" setting; the default reads
/// them off the 468-point mesh (<see cref="MeshLandmarker"/>), which holds at any roll.
/// </summary>
public sealed class FaceLandmarker : ILandmarker
{
    private readonly ModelEntry _entry;
    private readonly OnnxModel _model;

    public FaceLandmarker(ModelEntry entry, string provider, int threads, ILogger logger)
    {
        _entry = entry.RequireLayout(TensorLayout.Nchw);
        _model = new OnnxModel(entry, "input", [1, 1, entry.InputHeight, entry.InputWidth],
            [("output", [1, FaceLandmarks.Count * 2])], provider, threads, logger);
    }

    public void Locate(in Frame frame, ref Face face)
    {
        BoxF crop = InsideFrame(face.Box, frame.Width, frame.Height);
        if (crop.Width < 4 || crop.Height < 4)
        {
            face.HasLandmarks = false;
            return;
        }

        CropSampler.FillGray(frame, crop, _entry.InputWidth, _entry.InputHeight, _entry.Mean, _entry.Std, _model.Input);
        _model.Run();
        ReadOnlySpan<float> output = _model.Output(0);
        for (int i = 0; i < FaceLandmarks.Count; i++)
        {
            face.Landmarks[i] = new PointF(crop.Left + (output[2 * i] * crop.Width), crop.Top + (output[(2 * i) + 1] * crop.Height));
        }

        face.HasLandmarks = true;
    }

    /// <summary>Shifts a box that sticks out of the frame back inside it, keeping its size where possible (as the model's own preprocessing does).</summary>
    private static BoxF InsideFrame(in BoxF box, int width, int height)
    {
        float w = Math.Min(box.Width, width - 1), h = Math.Min(box.Height, height - 1);
        float left = Math.Clamp(box.Left, 0, width - 1 - w), top = Math.Clamp(box.Top, 0, height - 1 - h);
        return new BoxF(left, top, left + w, top + h);
    }

    public void Dispose() => _model.Dispose();
}
