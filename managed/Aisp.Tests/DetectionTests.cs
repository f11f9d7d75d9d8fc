using Aisp.Cli;
using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Settings;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using Xunit.Abstractions;

namespace Aisp.Tests;

public sealed class DetectionTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> DetectorsAndPhotos()
    {
        var data = new TheoryData<string, string>();
        foreach (string d in DetectorNames.All)
        {
            data.Add(d, TestAssets.Astronaut);
            data.Add(d, TestAssets.GraceHopper);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DetectorsAndPhotos))]
    public void Finds_the_one_face_within_IoU_half_of_the_hand_measured_box(string detector, string photo)
    {
        List<Face> faces = Detect(detector, photo, PixelFormat.Bgra);
        BoxF expected = photo == TestAssets.Astronaut ? TestAssets.AstronautFace : TestAssets.GraceHopperFace;
        foreach (Face f in faces)
        {
            output.WriteLine($"{detector}: {f.Box} score {f.Score:F3} IoU {f.Box.IoU(expected):F3}");
        }

        Face face = Assert.Single(faces);
        Assert.True(face.Box.IoU(expected) >= 0.5f, $"IoU {face.Box.IoU(expected):F3} with the hand-measured box");
        if (face.HasKeypoints)
        {
            Assert.True(face.Box.Contains(face.Keypoints[FaceKeypoints.LeftEye]), "left eye outside the box");
            Assert.True(face.Box.Contains(face.Keypoints[FaceKeypoints.RightEye]), "right eye outside the box");
            Assert.True(face.Keypoints[FaceKeypoints.LeftEye].Y < face.Keypoints[FaceKeypoints.Mouth].Y, "eyes must be above the mouth");
        }
    }

    [Theory]
    [InlineData(DetectorNames.UltraFace)]
    [InlineData(DetectorNames.BlazeFaceBack)]
    public void Finds_no_face_in_a_photo_without_one(string detector) =>
        Assert.Empty(Detect(detector, TestAssets.IceBlock, PixelFormat.Bgra));

    [Theory]
    [InlineData(PixelFormat.Rgba)]
    [InlineData(PixelFormat.Bgrx)]
    [InlineData(PixelFormat.Nv12)]
    [InlineData(PixelFormat.I420)]
    public void Every_pixel_format_gives_the_same_face(PixelFormat format)
    {
        Face reference = Assert.Single(Detect(DetectorNames.Default, TestAssets.Astronaut, PixelFormat.Bgra));
        Face face = Assert.Single(Detect(DetectorNames.Default, TestAssets.Astronaut, format));
        Assert.True(face.Box.IoU(reference.Box) > 0.9f, $"{format} box {face.Box} vs BGRA {reference.Box}");
    }

    [Fact]
    public void Letterboxing_keeps_the_face_where_it_is_in_a_wide_frame()
    {
        // The photo pasted at a known place into a 16:9 frame: the box must move with it.
        using Mat photo = TestAssets.Load(TestAssets.Astronaut);
        using var wide = new Mat(720, 1280, MatType.CV_8UC3, new Scalar(40, 90, 30));
        photo.CopyTo(wide[new Rect(700, 150, 512, 512)]);
        List<Face> faces = Detect(DetectorNames.BlazeFaceBack, wide, PixelFormat.Bgra);
        Face face = Assert.Single(faces);
        BoxF expected = TestAssets.AstronautFace with
        {
            Left = TestAssets.AstronautFace.Left + 700,
            Right = TestAssets.AstronautFace.Right + 700,
            Top = TestAssets.AstronautFace.Top + 150,
            Bottom = TestAssets.AstronautFace.Bottom + 150,
        };
        Assert.True(face.Box.IoU(expected) >= 0.5f, $"box {face.Box} vs {expected}");
    }

    internal static List<Face> Detect(string detector, string photo, PixelFormat format)
    {
        using Mat bgr = TestAssets.Load(photo);
        return Detect(detector, bgr, format);
    }

    internal static List<Face> Detect(string detector, Mat bgr, PixelFormat format)
    {
        using IFaceDetector d = DetectorFactory.Create(TestAssets.Settings(detector), NullLogger.Instance);
        using var buffers = new FrameBuffers(format);
        buffers.Load(bgr);
        var faces = new List<Face>();
        d.Detect(buffers.AsFrame(), 0.6f, faces);
        return faces;
    }
}
