using System.Diagnostics;
using Aisp.Core.Frames;
using Aisp.Core.Settings;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Background;

/// <summary>
/// The background's analysis, once per analysed frame: the person mask (segmenter at its input
/// size, then <see cref="PersonMask"/> on the working grid), painted into the result's layer at
/// the output's size. Owned by the pipeline, loaded when the settings ask for a background and
/// replaced when they name another model. With "auto" both models are loaded (a quarter of a
/// megabyte each) and each frame gets the one its shape suits (<see cref="BackgroundModels.ForFrame"/>).
/// </summary>
public sealed class BackgroundMatte : IDisposable
{
    private readonly PersonSegmenter? _landscape, _general;
    private readonly PersonMask _mask = new();
    private readonly BackgroundPainter _painter = new();
    private string? _inUse; // the model the last frame got: the mask's running average starts over when it changes

    private BackgroundMatte(PersonSegmenter? landscape, PersonSegmenter? general, string model, string modelsDir, string provider, int threads)
    {
        (_landscape, _general) = (landscape, general);
        (Model, ModelsDir, Provider, Threads) = (model, modelsDir, provider, threads);
    }

    public string Model { get; }

    private string ModelsDir { get; }

    private string Provider { get; }

    private int Threads { get; }

    public string ExecutionProvider => (_landscape ?? _general)!.ExecutionProvider;

    /// <summary>The model the newest frame got ("landscape" or "general"), null before the first.</summary>
    public string? ModelInUse => _inUse;

    public static BackgroundMatte Load(PipelineSettings s, ILogger log)
    {
        PersonSegmenter? landscape = null, general = null;
        try
        {
            if (s.BackgroundModel != BackgroundModels.General)
            {
                landscape = PersonSegmenter.Load(s.ModelsDir, BackgroundModels.ModelName(BackgroundModels.Landscape), s.ExecutionProvider, s.Threads, log);
            }

            if (s.BackgroundModel != BackgroundModels.Landscape)
            {
                general = PersonSegmenter.Load(s.ModelsDir, BackgroundModels.ModelName(BackgroundModels.General), s.ExecutionProvider, s.Threads, log);
            }
        }
        catch
        {
            landscape?.Dispose();
            throw;
        }

        return new(landscape, general, s.BackgroundModel, s.ModelsDir, s.ExecutionProvider, s.Threads);
    }

    /// <summary>Whether this matte's model serves the settings (else a new one is loaded).</summary>
    public bool Serves(PipelineSettings s) => s.UsesBackground && s.BackgroundModel == Model && s.ModelsDir == ModelsDir && s.ExecutionProvider == Provider && s.Threads == Threads;

    /// <summary>The mask of <paramref name="frame"/> (an analysis copy, <paramref name="scale"/> output pixels per pixel) painted into <paramref name="layer"/>; returns a notice or null.</summary>
    public string? Paint(in Frame frame, float scale, PipelineSettings s, BackgroundPicture? picture, BackgroundLayer layer)
    {
        long start = Stopwatch.GetTimestamp();
        string model = BackgroundModels.ForFrame(Model, frame.Width, frame.Height);
        if (model != _inUse)
        {
            _mask.Reset(); // another model's masks do not average with this one's
            _inUse = model;
        }

        PersonSegmenter segmenter = (model == BackgroundModels.General ? _general : _landscape)!;
        ReadOnlySpan<float> probabilities = segmenter.Run(frame, out Letterbox box);
        _mask.Update(frame, probabilities, box);
        int width = (int)MathF.Ceiling((frame.Width * scale) - 0.01f), height = (int)MathF.Ceiling((frame.Height * scale) - 0.01f);
        string? notice = _painter.Paint(_mask, s.Background, s.BackgroundBlur, picture, width, height, frame, layer);
        layer.Ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return notice;
    }

    public void Dispose()
    {
        _landscape?.Dispose();
        _general?.Dispose();
    }
}
