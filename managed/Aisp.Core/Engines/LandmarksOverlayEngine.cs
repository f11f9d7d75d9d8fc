using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Settings;
using Aisp.Core.Source;

namespace Aisp.Core.Engines;

/// <summary>
/// Engine "landmarks", for QA: draws each face's box (green), its six detector keypoints (red)
/// and its 68 landmarks (cyan) onto the frame and, with a face library, the name and score the
/// recognition stage gave the face under its box (<see cref="FaceLabel"/>).
/// </summary>
public sealed class LandmarksOverlayEngine : IFrameEngine
{
    private readonly RgbRoi _roi = new();

    public string Name => EngineNames.Landmarks;

    public EngineNeeds Needs => EngineNeeds.Landmarks;

    public bool DrawsOnGpu => true;

    /// <summary>Margin of the region drawn around each face box.</summary>
    public const float RegionPadding = 0.1f;

    public string? Apply(in Frame frame, ReadOnlySpan<Face> faces, SourceFace? source)
    {
        Span<char> text = stackalloc char[FaceLabel.MaxChars];
        foreach (ref readonly Face face in faces)
        {
            FaceRegion region = FaceRegion.From(face.Box, RegionPadding, frame.Width, frame.Height);
            if (region.IsEmpty)
            {
                continue;
            }

            _roi.Load(frame, region);
            BoxF b = face.Box;
            for (int x = (int)b.Left; x <= (int)b.Right; x++)
            {
                Dot(region, x, (int)b.Top, 0, 0, 255, 0);
                Dot(region, x, (int)b.Bottom, 0, 0, 255, 0);
            }

            for (int y = (int)b.Top; y <= (int)b.Bottom; y++)
            {
                Dot(region, (int)b.Left, y, 0, 0, 255, 0);
                Dot(region, (int)b.Right, y, 0, 0, 255, 0);
            }

            if (face.HasKeypoints)
            {
                for (int k = 0; k < FaceKeypoints.Count; k++)
                {
                    Dot(region, (int)face.Keypoints[k].X, (int)face.Keypoints[k].Y, 2, 255, 40, 40);
                }
            }

            if (face.HasLandmarks)
            {
                for (int k = 0; k < FaceLandmarks.Count; k++)
                {
                    Dot(region, (int)face.Landmarks[k].X, (int)face.Landmarks[k].Y, 1, 0, 230, 255);
                }
            }

            _roi.Store(frame);
            int chars = FaceLabel.Format(face, text);
            if (chars > 0)
            {
                DrawLabel(frame, FaceLabel.Layout(face.Box, chars, frame.Width, frame.Height), text[..chars]);
            }
        }

        return null;
    }

    /// <summary>White <see cref="LabelFont"/> text on an opaque black box.</summary>
    private void DrawLabel(in Frame frame, FaceLabel label, ReadOnlySpan<char> text)
    {
        if (label.Chars == 0)
        {
            return;
        }

        FaceRegion region = label.Region;
        _roi.Load(frame, region);
        _roi.Rgb.Clear();
        _roi.Alpha.Fill(1);
        for (int i = 0; i < label.Chars; i++)
        {
            for (int row = 0; row < LabelFont.Rows; row++)
            {
                for (int column = 0; column < LabelFont.Columns; column++)
                {
                    if (LabelFont.Lit(text[i], column, row))
                    {
                        (int x, int y) = label.CellAt(i, column, row);
                        Fill(region, x, y, label.Cell, 255, 255, 255);
                    }
                }
            }
        }

        _roi.Store(frame);
    }

    private void Dot(FaceRegion region, int cx, int cy, int radius, float r, float g, float b) =>
        Fill(region, cx - radius, cy - radius, (2 * radius) + 1, r, g, b);

    /// <summary>The square of <paramref name="size"/> pixels at (x0, y0), clipped to the region.</summary>
    private void Fill(FaceRegion region, int x0, int y0, int size, float r, float g, float b)
    {
        Span<float> rgb = _roi.Rgb, alpha = _roi.Alpha;
        for (int y = y0; y < y0 + size; y++)
        {
            for (int x = x0; x < x0 + size; x++)
            {
                int lx = x - region.X, ly = y - region.Y;
                if (lx < 0 || ly < 0 || lx >= region.Width || ly >= region.Height)
                {
                    continue;
                }

                int i = (ly * region.Width) + lx;
                (rgb[3 * i], rgb[(3 * i) + 1], rgb[(3 * i) + 2]) = (r, g, b);
                alpha[i] = 1;
            }
        }
    }

    public void Dispose()
    {
    }
}
