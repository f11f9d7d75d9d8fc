using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Swap;

namespace Aisp.Core.Source;

/// <summary>
/// The face to swap in: its picture, the face found in it (box, landmarks) and what the host
/// called it. Built once per image by <see cref="SourceFaceBuilder"/>; engines cache what they
/// derive from it (embeddings, triangulations) keyed on the instance.
/// </summary>
public sealed class SourceFace
{
    public SourceFace(string label, RgbImage image, Face face, int facesInImage, LabStats colour = default)
    {
        Colour = colour;
        Label = label;
        Image = image;
        _face = face;
        FacesInImage = facesInImage;
    }

    public string Label { get; }
    public RgbImage Image { get; }
    private readonly Face _face;

    /// <summary>The face found in the picture, by reference: it holds the 468-point mesh, too large to copy per use.</summary>
    public ref readonly Face Face => ref _face;

    /// <summary>The face's L*a*b* colour inside its landmark outline (what the GPU compositor matches from).</summary>
    public LabStats Colour { get; }

    /// <summary>How many faces the picture held (the largest was taken).</summary>
    public int FacesInImage { get; }
}
