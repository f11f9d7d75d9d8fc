using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Inference;
using Aisp.Core.Models;
using Aisp.Core.Swap;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Identities;

/// <summary>
/// Who a face is, as a 512-D unit vector (the faceplugin package's fr_feature.onnx): the face is
/// aligned to the five-point ArcFace 112 template by a similarity transform from its landmarks (or
/// detector keypoints), sampled as RGB (p - 127) / 128, and the model's output is normalised, so two
/// faces compare by their dot product (<see cref="Embedding.Cosine"/>).
/// </summary>
public sealed class FaceRecognizer : IDisposable
{
    public const string ModelName = "recognition-512";
    public const int Size = 112;
    public const int Dimensions = 512;

    private readonly ModelEntry _entry;
    private readonly OnnxModel _model;

    public FaceRecognizer(ModelEntry entry, string provider, int threads, ILogger logger)
    {
        _entry = entry.RequireLayout(TensorLayout.Nchw);
        _model = new OnnxModel(entry, [(OnnxModel.Only, [1, 3, Size, Size])], [(OnnxModel.Only, [1, Dimensions])], provider, threads, logger);
    }

    public static FaceRecognizer Load(string modelsDir, string provider, int threads, ILogger logger) =>
        new(ModelCatalog.Load(modelsDir).Get(ModelName), provider, threads, logger);

    /// <summary>Embeds a face of a frame (landmarks or keypoints needed) into <paramref name="embedding"/>; false when the face cannot be aligned.</summary>
    public bool Embed(in Frame frame, in Face face, Span<float> embedding)
    {
        if (!face.HasLandmarks && !face.HasKeypoints)
        {
            return false;
        }

        AlignedCrop.FromFrame(frame, ArcFaceTemplate.Align(face, Size), Size, _entry.Mean, _entry.Std, _model.Input);
        return Finish(embedding);
    }

    /// <summary>Size of the aligned crop tensor <see cref="Align"/> fills (3 x 112 x 112).</summary>
    public const int TensorLength = 3 * Size * Size;

    /// <summary>The first half of <see cref="Embed(in Frame, in Face, Span{float})"/>: the aligned, normalised crop (cheap; the caller's thread).</summary>
    public bool Align(in Frame frame, in Face face, Span<float> tensor)
    {
        if (!face.HasLandmarks && !face.HasKeypoints)
        {
            return false;
        }

        AlignedCrop.FromFrame(frame, ArcFaceTemplate.Align(face, Size), Size, _entry.Mean, _entry.Std, tensor);
        return true;
    }

    /// <summary>The second half: the model on a crop <see cref="Align"/> made (the slow part; another thread may run it).</summary>
    public bool Embed(ReadOnlySpan<float> tensor, Span<float> embedding)
    {
        tensor.CopyTo(_model.Input);
        return Finish(embedding);
    }

    /// <summary>Embeds a face of a decoded picture (landmarks or keypoints needed).</summary>
    public bool Embed(RgbImage image, in Face face, Span<float> embedding)
    {
        if (!face.HasLandmarks && !face.HasKeypoints)
        {
            return false;
        }

        AlignedCrop.FromImage(image, ArcFaceTemplate.Align(face, Size), Size, _entry.Mean, _entry.Std, _model.Input);
        return Finish(embedding);
    }

    private bool Finish(Span<float> embedding)
    {
        _model.Run();
        return Embedding.Normalise(_model.Output(0), embedding);
    }

    public void Dispose() => _model.Dispose();
}
