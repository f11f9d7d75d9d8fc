using Aisp.Core.Detection;
using OpenCvSharp;

namespace Aisp.Tests;

/// <summary>
/// Group shots with known answers: face-centred crops of the real photos tiled in a grid at one
/// face width, so every face box is known from the hand-measured boxes.
/// </summary>
public sealed class FaceMosaic : IDisposable
{
    private FaceMosaic(Mat image, List<BoxF> faces)
    {
        Image = image;
        Faces = faces;
    }

    public Mat Image { get; }

    public List<BoxF> Faces { get; }

    /// <summary>A width x height frame filled with faces each <paramref name="faceWidth"/> pixels wide.</summary>
    public static FaceMosaic Build(int width, int height, int faceWidth)
    {
        (string Path, BoxF Face)[] sources = [(TestAssets.Astronaut, TestAssets.AstronautFace), (TestAssets.GraceHopper, TestAssets.GraceHopperFace)];
        int cell = (int)(faceWidth * 2.2f);
        int cols = width / cell, rows = height / cell;
        var image = new Mat(height, width, MatType.CV_8UC3, new Scalar(70, 60, 50));
        var faces = new List<BoxF>();
        int offX = (width - (cols * cell)) / 2, offY = (height - (rows * cell)) / 2;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                (string path, BoxF face) = sources[(r + c) % sources.Length];
                using Mat photo = TestAssets.Load(path);
                float side = face.Width * 2.2f;
                float cx = (face.Left + face.Right) / 2, cy = (face.Top + face.Bottom) / 2;
                int x0 = (int)Math.Clamp(cx - (side / 2), 0, photo.Width - side), y0 = (int)Math.Clamp(cy - (side / 2), 0, photo.Height - side);
                using Mat crop = photo[new Rect(x0, y0, (int)side, (int)side)];
                using Mat tile = crop.Resize(new Size(cell, cell), 0, 0, InterpolationFlags.Area);
                int tx = offX + (c * cell), ty = offY + (r * cell);
                tile.CopyTo(image[new Rect(tx, ty, cell, cell)]);
                float s = cell / (float)(int)side;
                faces.Add(new BoxF(tx + ((face.Left - x0) * s), ty + ((face.Top - y0) * s), tx + ((face.Right - x0) * s), ty + ((face.Bottom - y0) * s)));
            }
        }

        return new FaceMosaic(image, faces);
    }

    /// <summary>Share of known faces matched (IoU at least 0.4) by one detection each, and detections matching none.</summary>
    public (double Recall, int FalsePositives) Score(IReadOnlyList<Face> found)
    {
        var used = new bool[found.Count];
        int hits = 0;
        foreach (BoxF truth in Faces)
        {
            int best = -1;
            float bestIoU = 0.4f;
            for (int i = 0; i < found.Count; i++)
            {
                float iou = found[i].Box.IoU(truth);
                if (!used[i] && iou >= bestIoU)
                {
                    (best, bestIoU) = (i, iou);
                }
            }

            if (best >= 0)
            {
                used[best] = true;
                hits++;
            }
        }

        return ((double)hits / Faces.Count, used.Count(u => !u));
    }

    public void Dispose() => Image.Dispose();
}
