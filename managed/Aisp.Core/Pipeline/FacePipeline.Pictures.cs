using Aisp.Core.Background;
using Aisp.Core.Frames;
using Aisp.Core.Source;
using Microsoft.Extensions.Logging;

namespace Aisp.Core.Pipeline;

/// <summary>The pictures a user gives the pipeline: the source faces a swap draws (the default and one per identity) and the picture that replaces the background.</summary>
public sealed partial class FacePipeline
{
    /// <summary>
    /// Sets the face to swap in from a decoded picture (any supported format). The face is found and
    /// landmarked once and kept until the next call. Throws <see cref="ErrorKind.SourceImage"/> when
    /// the picture has no usable face; the previous source face is then dropped.
    /// </summary>
    public void SetSourceImage(in Frame image, string label) => SetSource(null, image, label);

    /// <summary>
    /// Sets the picture faces of <paramref name="identity"/> are swapped to (swap_identities names
    /// the identities; a mapping the settings drop is dropped with them). Throws like
    /// <see cref="SetSourceImage"/>; the identity's previous picture is then dropped.
    /// </summary>
    public void SetIdentitySource(string identity, in Frame image, string label)
    {
        if (string.IsNullOrWhiteSpace(identity))
        {
            throw new AispException(ErrorKind.InvalidArgument, "an identity source needs the identity's name");
        }

        if (!_settings.SwapIdentities.ContainsKey(identity.Trim()))
        {
            // Kept, it would never be used, yet held until the settings change: a caller looping over names would fill memory.
            throw new AispException(ErrorKind.InvalidArgument, $"'{identity}' has no mapping in swap_identities: set the mapping first, then its picture");
        }

        SetSource(identity.Trim(), image, label);
    }

    /// <summary>
    /// Sets the picture that replaces the background (background "replace"), decoded by the host;
    /// null forgets it. Throws <see cref="ErrorKind.SourceImage"/> for a picture it cannot take (the
    /// previous one is then dropped too: a broken file shows as a status, not as an old picture).
    /// </summary>
    public void SetBackgroundImage(in Frame? image, string label)
    {
        try
        {
            BackgroundPicture? picture = image is { } f ? BackgroundPicture.From(f, label) : null;
            Volatile.Write(ref _backgroundPicture, picture);
            Stats.ClearLastError();
            _log.LogInformation("Background picture {State} ({Label})", picture is null ? "cleared" : $"set, {picture.Width}x{picture.Height}", label);
        }
        catch (Exception e)
        {
            Volatile.Write(ref _backgroundPicture, null);
            Stats.RecordError(KindOf(e), e.Message, frameFailed: false);
            _log.LogError("Background picture rejected: {Message}", e.Message);
            throw;
        }
    }

    /// <summary>Forgets the picture of <paramref name="identity"/>: its faces are treated as unmapped.</summary>
    public void ClearIdentitySource(string identity)
    {
        lock (_updateGate)
        {
            Volatile.Write(ref _sources, _sources.With(identity, null));
        }
    }

    private void SetSource(string? identity, in Frame image, string label)
    {
        lock (_updateGate)
        {
            try
            {
                AnalysisModels? models = _models;
                bool newModels = models?.Landmarker is null;
                if (newModels)
                {
                    models = AnalysisModels.Load(_settings, withLandmarks: true, _log);
                }

                SourceFace source;
                try
                {
                    lock (_analysisGate)
                    {
                        source = SourceFaceBuilder.Build(label, image, models!.Detector, models.Landmarker!, models.SourceMesh, _settings.Confidence);
                    }
                }
                catch
                {
                    if (newModels)
                    {
                        models!.Dispose();
                    }

                    throw;
                }

                Volatile.Write(ref _sources, identity is null ? _sources.WithDefault(source) : _sources.With(identity, source));
                if (newModels)
                {
                    Install(_settings, models, newModels: true, _matte);
                }

                if (source.FacesInImage > 1)
                {
                    _log.LogWarning("Source image {Label} has {Count} faces; using the largest", label, source.FacesInImage);
                }

                Stats.ClearLastError();
                _log.LogInformation("Source face {For} set from {Label} ({Width}x{Height})", identity ?? "(default)", label, image.Width, image.Height);
            }
            catch (Exception e)
            {
                Volatile.Write(ref _sources, identity is null ? _sources.WithDefault(null) : _sources.With(identity, null));
                Stats.RecordError(KindOf(e), e.Message, frameFailed: false);
                _log.LogError("Source image {For} rejected: {Message}", identity ?? "(default)", e.Message);
                throw;
            }
        }
    }
}
