using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Inference;
using Aisp.Core.Models;
using Aisp.Core.Settings;
using Aisp.Core.Source;
using Aisp.Core.Swap;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Engines;

/// <summary>
/// Engine "inswapper", model-compatible with Deep-Live-Cam, FaceFusion and roop: the user's
/// inswapper_128.onnx and ArcFace recogniser (w600k_r50.onnx). The source face is aligned to the
/// 112 ArcFace template and embedded once; its latent is the embedding projected through the
/// swapper's emap (its last initializer). Each target face is aligned to the 128 template,
/// swapped, and pasted back through the inverse alignment with a mask that depends on the preset.
/// In the pipeline the models run on the analysis thread (<see cref="Prepare"/>) and the frame
/// thread only pastes the crops: a swap model takes tens to hundreds of milliseconds on
/// a CPU, which OBS's graphics thread must never wait for. Buffers are split accordingly: the
/// models, <c>_blurred</c> and <c>_blurScratch</c> belong to the swapping thread, the rest to the pasting one.
/// </summary>
public sealed class InswapperEngine : IFrameEngine
{
    public const int SwapSize = 128;
    public const int RecognizerSize = 112;
    public const int EmbeddingSize = 512;

    private readonly OnnxModel _swapper;
    private readonly OnnxModel _recognizer;
    private readonly float[] _emap;
    private readonly SwapPreset _preset;
    private readonly RgbRoi _roi = new();
    private readonly float[] _swapped = new float[SwapSize * SwapSize * 3];
    private readonly float[] _blurScratch = new float[SwapSize * 2];
    private readonly float[] _blurred = new float[SwapSize * SwapSize];
    private float[] _pasted = [];
    private float[] _mouth = [];
    private float[] _scratch = [];
    private readonly PerSource<float[]> _latents = new();
    private SourceFace? _embedded;
    private int _lastSwapThread;

    private InswapperEngine(OnnxModel swapper, OnnxModel recognizer, float[] emap, SwapPreset preset)
    {
        _swapper = swapper;
        _recognizer = recognizer;
        _emap = emap;
        _preset = preset;
    }

    public string Name => EngineNames.Inswapper;

    public EngineNeeds Needs => EngineNeeds.RealFaces | EngineNeeds.SourceFace | EngineNeeds.Prepared | EngineNeeds.FullResolution;

    /// <summary>The source latent in use (after projection), for inspection.</summary>
    public ReadOnlySpan<float> Latent => _swapper.InputAt(1);

    /// <summary>The source embedding from the recogniser, for inspection.</summary>
    public ReadOnlySpan<float> Embedding => _recognizer.Output(0);

    public static InswapperEngine Create(PipelineSettings s, ILogger log)
    {
        if (s.SwapModel.Length == 0 || s.RecognizerModel.Length == 0)
        {
            throw new AispException(ErrorKind.Model, "inswapper needs swap_model (inswapper_128.onnx) and recognizer_model (w600k_r50.onnx): choose both files");
        }

        ModelEntry swapEntry = UserModel.At("inswapper", s.SwapModel, SwapSize, SwapSize, 0f, 255f);
        ModelEntry recEntry = UserModel.At("arcface", s.RecognizerModel, RecognizerSize, RecognizerSize, 127.5f, 127.5f);
        float[] emap = ReadEmap(swapEntry);
        OnnxModel swapper = new(swapEntry,
            [("target", [1, 3, SwapSize, SwapSize]), ("source", [1, EmbeddingSize])],
            [(OnnxModel.Only, [1, 3, SwapSize, SwapSize])], s.ExecutionProvider, s.Threads, log);
        try
        {
            OnnxModel recognizer = new(recEntry, [(OnnxModel.Only, [1, 3, RecognizerSize, RecognizerSize])],
                [(OnnxModel.Only, [1, EmbeddingSize])], s.ExecutionProvider, s.Threads, log);
            return new InswapperEngine(swapper, recognizer, emap, SwapPreset.Named(s.SwapPreset));
        }
        catch
        {
            swapper.Dispose();
            throw;
        }
    }

    private static float[] ReadEmap(ModelEntry entry)
    {
        OnnxInitializers.Tensor emap = OnnxInitializers.ReadLast(ModelFile.ReadVerified(entry));
        if (emap.Dims.Length != 2 || emap.Dims[0] != EmbeddingSize || emap.Dims[1] != EmbeddingSize)
        {
            throw new AispException(ErrorKind.Model, $"swap_model {entry.FilePath}: its last initializer '{emap.Name}' is [{string.Join(",", emap.Dims)}], not the [512,512] emap of an inswapper model");
        }

        return emap.Data;
    }

    /// <summary>Swaps and pastes in one go, for the engine used on its own; the pipeline swaps on its analysis thread (<see cref="Prepare"/>) and only pastes on the frame thread.</summary>
    public string? Apply(in Frame frame, ReadOnlySpan<Face> faces, SourceFace? source)
    {
        if (source is null)
        {
            return "inswapper: no source face yet; choose a source face image";
        }

        UseSource(source);
        foreach (ref readonly Face face in faces)
        {
            if (face.HasLandmarks || face.HasKeypoints)
            {
                RunSwap(frame, face, _swapped);
                PasteCrop(frame, face, _swapped);
            }
        }

        return null;
    }

    /// <summary>
    /// On the analysis thread: runs the swap model on every face of the analysed frame (any scale:
    /// the crop lives in the template's space) and keeps the crops with the result.
    /// </summary>
    public void Prepare(in Frame frame, ReadOnlySpan<Face> faces, SourceFace? source, PreparedCrops into)
    {
        if (source is null)
        {
            return;
        }

        UseSource(source);
        foreach (ref readonly Face face in faces)
        {
            if (face.HasLandmarks || face.HasKeypoints)
            {
                Span<float> crop = into.Write(face.TrackId);
                if (crop.IsEmpty)
                {
                    break;
                }

                RunSwap(frame, face, crop);
            }
        }

        into.MarkPrepared();
        Volatile.Write(ref _lastSwapThread, Environment.CurrentManagedThreadId);
    }

    /// <summary>On the frame thread: pastes the prepared crops onto the faces predicted for this frame.</summary>
    public string? Apply(in Frame frame, ReadOnlySpan<Face> faces, SourceFace? source, PreparedCrops prepared)
    {
        if (source is null)
        {
            return "inswapper: no source face yet; choose a source face image";
        }

        if (!prepared.Prepared)
        {
            return "inswapper: the first swapped faces are on their way";
        }

        foreach (ref readonly Face face in faces)
        {
            ReadOnlySpan<float> crop = prepared.Read(face.TrackId);
            if (!crop.IsEmpty)
            {
                PasteCrop(frame, face, crop);
            }
        }

        return null;
    }

    /// <summary>The managed thread that ran the swap model last (tests check it is not the frame thread).</summary>
    public int LastSwapThread => Volatile.Read(ref _lastSwapThread);

    /// <summary>Puts <paramref name="source"/>'s latent into the swapper's input: embedded once per source picture, then copied (faces mapped to several pictures alternate).</summary>
    private void UseSource(SourceFace source)
    {
        if (ReferenceEquals(source, _embedded))
        {
            return;
        }

        if (_latents.TryGet(source, out float[] latent))
        {
            latent.CopyTo(_swapper.InputAt(1));
            _embedded = source;
            return;
        }

        EmbedSource(source);
        _latents.Add(source, _swapper.InputAt(1).ToArray());
    }

    /// <summary>Aligns the source face to the 112 template, embeds it and projects the embedding into the swapper's latent.</summary>
    public void EmbedSource(SourceFace source)
    {
        Affine2D align = ArcFaceTemplate.Align(source.Face, RecognizerSize);
        AlignedCrop.FromImage(source.Image, align, RecognizerSize, 127.5f, 127.5f, _recognizer.Input);
        _recognizer.Run();
        EmbeddingProjection.Project(_recognizer.Output(0), _emap, _swapper.InputAt(1));
        _embedded = source;
    }

    /// <summary>Aligns the face to the 128 template, runs the swapper and writes its output (0..255, RGB interleaved, sharpened by the preset) into <paramref name="into"/>.</summary>
    private void RunSwap(in Frame frame, in Face face, Span<float> into)
    {
        Affine2D toCrop = ArcFaceTemplate.Align(face, SwapSize);
        AlignedCrop.FromFrame(frame, toCrop, SwapSize, 0f, 255f, _swapper.Input);
        _swapper.Run();
        ReadOnlySpan<float> output = _swapper.Output(0);
        const int Plane = SwapSize * SwapSize;
        for (int i = 0; i < Plane; i++)
        {
            into[3 * i] = Math.Clamp(output[i], 0, 1) * 255f;
            into[(3 * i) + 1] = Math.Clamp(output[Plane + i], 0, 1) * 255f;
            into[(3 * i) + 2] = Math.Clamp(output[(2 * Plane) + i], 0, 1) * 255f;
        }

        if (_preset.Sharpen > 0)
        {
            Sharpen(into);
        }
    }

    /// <summary>Pastes a swapped crop onto the face through the inverse of its alignment.</summary>
    private void PasteCrop(in Frame frame, in Face face, ReadOnlySpan<float> crop)
    {
        Affine2D toCrop = ArcFaceTemplate.Align(face, SwapSize);
        Affine2D toFrame = toCrop.Inverse();
        FaceRegion region = CropBounds(toFrame, frame.Width, frame.Height);
        if (region.Width < 4 || region.Height < 4)
        {
            return;
        }

        _roi.Load(frame, region);
        PasteBack(toCrop, region, face, crop);
        _roi.Store(frame);
    }

    /// <summary>Maps every region pixel into the crop; where it lands inside, takes the swapped colour with the preset's mask.</summary>
    private void PasteBack(Affine2D toCrop, FaceRegion region, in Face face, ReadOnlySpan<float> crop)
    {
        int n = region.Width * region.Height;
        if (_pasted.Length < n * 3)
        {
            _pasted = new float[n * 3];
            _mouth = new float[n];
        }

        Span<float> alpha = _roi.Alpha, pasted = _pasted.AsSpan(0, n * 3);
        for (int y = 0; y < region.Height; y++)
        {
            for (int x = 0; x < region.Width; x++)
            {
                (float cx, float cy) = toCrop.Apply(region.X + x + 0.5f, region.Y + y + 0.5f);
                float a = _preset.MaskAt(cx, cy, SwapSize);
                int i = (y * region.Width) + x;
                alpha[i] = a;
                if (a > 0)
                {
                    BilinearTap.SampleRgb(crop, SwapSize, SwapSize, cx - 0.5f, cy - 0.5f, out pasted[3 * i], out pasted[(3 * i) + 1], out pasted[(3 * i) + 2]);
                }
            }
        }

        if (_preset.MouthMask && face.HasLandmarks)
        {
            KeepMouth(region, face, alpha);
        }

        if (_preset.ColorTransfer)
        {
            LabColorTransfer.Apply(pasted, _roi.Rgb, alpha);
        }

        Span<float> rgb = _roi.Rgb;
        for (int i = 0; i < n; i++)
        {
            if (alpha[i] > 0)
            {
                rgb[3 * i] = pasted[3 * i];
                rgb[(3 * i) + 1] = pasted[(3 * i) + 1];
                rgb[(3 * i) + 2] = pasted[(3 * i) + 2];
            }
        }
    }

    /// <summary>Deep-Live-Cam's mouth mask: inside the outer lip line (landmarks 48-59), feathered, the target's own mouth stays.</summary>
    private void KeepMouth(FaceRegion region, in Face face, Span<float> alpha)
    {
        int n = region.Width * region.Height;
        Span<float> mouth = _mouth.AsSpan(0, n);
        ReadOnlySpan<Detection.PointF> lips = ((ReadOnlySpan<Detection.PointF>)face.Landmarks).Slice(48, 12);
        for (int y = 0; y < region.Height; y++)
        {
            for (int x = 0; x < region.Width; x++)
            {
                mouth[(y * region.Width) + x] = Polygon.Contains(lips, region.X + x + 0.5f, region.Y + y + 0.5f) ? 1 : 0;
            }
        }

        if (_scratch.Length < Math.Max(region.Width, region.Height))
        {
            _scratch = new float[Math.Max(region.Width, region.Height) * 2];
        }

        float lipWidth = MathF.Abs(face.Landmarks[54].X - face.Landmarks[48].X);
        FloatBoxBlur.Apply(mouth, region.Width, region.Height, Math.Max(1, (int)(lipWidth * 0.1f)), _scratch);
        for (int i = 0; i < n; i++)
        {
            alpha[i] *= 1 - Math.Clamp(mouth[i] * 1.5f, 0, 1);
        }
    }

    /// <summary>Unsharp mask on a swapped crop: value + amount * (value - blurred), channel by channel.</summary>
    private void Sharpen(Span<float> crop)
    {
        const int Plane = SwapSize * SwapSize;
        for (int c = 0; c < 3; c++)
        {
            for (int i = 0; i < Plane; i++)
            {
                _blurred[i] = crop[(3 * i) + c];
            }

            FloatBoxBlur.Apply(_blurred, SwapSize, SwapSize, 1, _blurScratch);
            for (int i = 0; i < Plane; i++)
            {
                float v = crop[(3 * i) + c];
                crop[(3 * i) + c] = Math.Clamp(v + (_preset.Sharpen * (v - _blurred[i])), 0, 255);
            }
        }
    }

    private static FaceRegion CropBounds(Affine2D toFrame, int width, int height)
    {
        float l = float.MaxValue, t = float.MaxValue, r = float.MinValue, b = float.MinValue;
        for (int corner = 0; corner < 4; corner++)
        {
            (float fx, float fy) = toFrame.Apply((corner & 1) * SwapSize, (corner >> 1) * SwapSize);
            l = MathF.Min(l, fx);
            t = MathF.Min(t, fy);
            r = MathF.Max(r, fx);
            b = MathF.Max(b, fy);
        }

        return FaceRegion.From(new BoxF(l, t, r, b), 0, width, height);
    }

    public void Dispose()
    {
        _swapper.Dispose();
        _recognizer.Dispose();
    }
}
