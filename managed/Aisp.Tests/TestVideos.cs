using Aisp.Core.Detection;
using OpenCvSharp;

namespace Aisp.Tests;

/// <summary>One frame of a made-up video, where its faces are (centre and size in frame pixels) and what hides part of them.</summary>
internal sealed record VideoFrame(Mat Image, IReadOnlyList<(PointF Centre, float Size)> Faces, BoxF? Hidden = null) : IDisposable
{
    /// <summary>Whether every face is covered by the boxes, as far as it shows: what the occluder hides shows nothing.</summary>
    public bool Covered(ReadOnlySpan<BoxF> boxes, float padding)
    {
        foreach ((PointF centre, float size) in Faces)
        {
            if (!Coverage.Covered(centre, size, boxes, padding, Image.Width, Image.Height, Hidden))
            {
                return false;
            }
        }

        return true;
    }

    public void Dispose() => Image.Dispose();
}

/// <summary>
/// Short 1280x720 videos made from real portraits, with the truth known in every frame: a pan, a
/// zoom, a head turning through a full circle, a hand-sized bar sweeping across the face, and a cut
/// to another person elsewhere. The portrait's face is measured once (<see cref="Devset.MainFace"/>)
/// and carried through each frame's transform.
/// </summary>
internal static class TestVideos
{
    public const int Width = 1280, Height = 720;

    public static readonly string[] Names = ["pan", "zoom", "rotation", "occluder", "cut"];

    /// <summary>The frames of one video, made lazily (each is disposed by the caller).</summary>
    public static IEnumerable<VideoFrame> Make(string name, Mat portrait, BoxF face, Mat other, BoxF otherFace) => name switch
    {
        "pan" => Pan(portrait, face),
        "zoom" => Zoom(portrait, face),
        "rotation" => Rotation(portrait, face),
        "occluder" => Occluder(portrait, face),
        "cut" => Cut(portrait, face, other, otherFace),
        _ => throw new ArgumentException($"no test video '{name}'", nameof(name)),
    };

    private static IEnumerable<VideoFrame> Pan(Mat portrait, BoxF face)
    {
        for (int i = 0; i < 60; i++)
        {
            yield return Place(portrait, face, 1, 0, 40 + (i * 14), 80 + (i * 2));
        }
    }

    private static IEnumerable<VideoFrame> Zoom(Mat portrait, BoxF face)
    {
        for (int i = 0; i < 45; i++)
        {
            float s = 0.45f + (i * 0.025f);
            yield return Place(portrait, face, s, 0, (Width / 2f) - (portrait.Width * s / 2), (Height / 2f) - (portrait.Height * s / 2));
        }
    }

    private static IEnumerable<VideoFrame> Rotation(Mat portrait, BoxF face)
    {
        for (int i = 0; i < 72; i++)
        {
            yield return Place(portrait, face, 1, i * 5, (Width / 2f) - (portrait.Width / 2f), (Height / 2f) - (portrait.Height / 2f));
        }
    }

    private static IEnumerable<VideoFrame> Occluder(Mat portrait, BoxF face)
    {
        float x = (Width / 2f) - (portrait.Width / 2f), y = (Height / 2f) - (portrait.Height / 2f);
        for (int i = 0; i < 45; i++)
        {
            VideoFrame f = Place(portrait, face, 1, 0, x, y);
            // A skin-toned bar 40 % of the face wide sweeps from left to right across it, like a hand.
            float bar = face.Width * 0.4f;
            float left = x + face.Left - bar + ((face.Width + bar) * i / 44f);
            var rect = new Rect((int)left, (int)(y + face.Top - (face.Height * 0.2f)), (int)bar, (int)(face.Height * 1.4f));
            Cv2.Rectangle(f.Image, rect, new Scalar(120, 150, 205), -1);
            yield return f with { Hidden = new BoxF(rect.Left, rect.Top, rect.Right, rect.Bottom) };
        }
    }

    private static IEnumerable<VideoFrame> Cut(Mat portrait, BoxF face, Mat other, BoxF otherFace)
    {
        for (int i = 0; i < 60; i++)
        {
            yield return i < 30
                ? Place(portrait, face, 1, 0, 100, 100)
                : Place(other, otherFace, 1, 0, Width - other.Width - 80, Height - other.Height - 40);
        }
    }

    /// <summary>The portrait scaled by <paramref name="scale"/>, turned by <paramref name="degrees"/> about its centre and placed with its top-left corner at (x, y) on a plain background.</summary>
    private static VideoFrame Place(Mat portrait, BoxF face, float scale, double degrees, float x, float y)
    {
        var frame = new Mat(new Size(Width, Height), MatType.CV_8UC3, new Scalar(70, 90, 110));
        using Mat map = Cv2.GetRotationMatrix2D(new Point2f(portrait.Width / 2f, portrait.Height / 2f), -degrees, scale);
        map.Set(0, 2, map.At<double>(0, 2) + x);
        map.Set(1, 2, map.At<double>(1, 2) + y);
        Cv2.WarpAffine(portrait, frame, map, frame.Size(), InterpolationFlags.Linear, BorderTypes.Transparent);
        PointF centre = Devset.Apply(map, new PointF((face.Left + face.Right) / 2, (face.Top + face.Bottom) / 2));
        return new VideoFrame(frame, [(centre, Math.Min(face.Width, face.Height) * scale)]);
    }
}
