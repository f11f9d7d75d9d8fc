using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Settings;
using Xunit.Abstractions;

namespace Aisp.Tests;

/// <summary>
/// Streams show groups: the default detector must find every clearly visible face down to 1/12
/// of the frame width. Each detector's recall is printed (docs/BENCHMARKS.md records the table).
/// </summary>
public sealed class RecallTests(ITestOutputHelper output)
{
    public static TheoryData<int, int, int> Mosaics() => new()
    {
        { 1280, 720, 12 },
        { 1280, 720, 8 },
        { 1280, 720, 5 },
        { 1280, 720, 16 },
        { 1280, 720, 20 },
        { 640, 360, 12 },
        { 640, 360, 6 },
    };

    [Theory]
    [MemberData(nameof(Mosaics))]
    public void Default_detector_finds_every_face_down_to_a_twelfth_of_the_frame_width(int width, int height, int facesPerWidth)
    {
        using FaceMosaic mosaic = FaceMosaic.Build(width, height, width / facesPerWidth);
        Assert.True(mosaic.Faces.Count >= 2, "a mosaic needs several faces");
        var recalls = new Dictionary<string, double>();
        foreach (string detector in DetectorNames.All)
        {
            List<Face> found = DetectionTests.Detect(detector, mosaic.Image, PixelFormat.Bgra);
            (double recall, int falsePositives) = mosaic.Score(found);
            recalls[detector] = recall;
            output.WriteLine($"RECALL {width}x{height} face=1/{facesPerWidth} ({width / facesPerWidth}px) faces={mosaic.Faces.Count} {detector}: recall {recall:P0}, false positives {falsePositives}");
            if (detector == DetectorNames.Default)
            {
                Assert.Equal(0, falsePositives);
            }
        }

        // The requirement stops at 1/12; smaller faces are measured and reported, not required.
        if (facesPerWidth <= 12)
        {
            Assert.Equal(1.0, recalls[DetectorNames.Default]);
        }
    }

    /// <summary>Real pictures without people (skimage's data folder and facedetect's example): animals, textures, text, microscopy, space, objects.</summary>
    public static readonly string[] NoPeople = [.. new[]
    {
        "block.png", "brick.png", "bw_text.png", "cell.png", "checker_bilevel.png", "chelsea.png", "chessboard_RGB.png", "clock_motion.png",
        "coffee.png", "coins.png", "color.png", "grass.png", "gravel.png", "horse.png", "hubble_deep_field.jpg", "ihc.png", "logo.png",
        "microaneurysms.png", "moon.png", "motorcycle_left.png", "page.png", "phantom.png", "retina.jpg", "rocket.jpg", "text.png",
    }.Select(n => Path.Combine(Path.GetDirectoryName(TestAssets.Astronaut)!, n)), TestAssets.IceBlock];

    [Fact]
    public void No_detector_finds_a_face_in_pictures_without_people_at_the_default_confidence()
    {
        Assert.True(NoPeople.Length >= 20);
        foreach (string detector in DetectorNames.All)
        {
            var hits = new List<string>();
            foreach (string picture in NoPeople)
            {
                using OpenCvSharp.Mat bgr = OpenCvSharp.Cv2.ImRead(picture, OpenCvSharp.ImreadModes.Color);
                Assert.False(bgr.Empty(), picture);
                hits.AddRange(DetectionTests.Detect(detector, bgr, PixelFormat.Bgra).Select(f => $"{Path.GetFileName(picture)} ({f.Score:F2})"));
            }

            output.WriteLine($"NO-PEOPLE {detector}: pictures={NoPeople.Length} false-positives={hits.Count} {string.Join(", ", hits)}".TrimEnd());
            Assert.Empty(hits);
        }
    }
}
