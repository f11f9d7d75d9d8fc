using Aisp.Cli;
using Aisp.Core.Detection;
using Aisp.Core.Frames;
using Aisp.Core.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using Xunit.Abstractions;

namespace Aisp.Tests;

/// <summary>A still face filmed by a noisy camera: landmarks must not jitter with stabilisation on.</summary>
public sealed class TemporalTests(ITestOutputHelper output)
{
    [Fact]
    public void Stabilised_landmarks_of_a_still_face_jitter_under_one_percent_and_less_than_raw()
    {
        double on = Jitter(stabilize: true), off = Jitter(stabilize: false);
        output.WriteLine($"mean landmark jitter per frame: stabilised {on:P3}, raw {off:P3} of the face width");
        Assert.True(on < 0.01, $"stabilised jitter {on:P2}");
        Assert.True(on < off * 0.7, $"stabilised {on:P3} is not clearly below raw {off:P3}");
    }

    [Fact]
    public void More_smoothing_holds_a_still_face_steadier()
    {
        double light = Jitter(stabilize: true, smoothing: 0.1), strong = Jitter(stabilize: true, smoothing: 0.9);
        output.WriteLine($"mean landmark jitter per frame: smoothing 0.1 {light:P3}, 0.9 {strong:P3} of the face width");
        Assert.True(strong < light * 0.6, $"smoothing 0.9 ({strong:P3}) is not clearly steadier than 0.1 ({light:P3})");
    }

    private static double Jitter(bool stabilize, double smoothing = 0.5)
    {
        using Mat photo = TestAssets.Load(TestAssets.Astronaut);
        using var scene = new Mat(480, 640, MatType.CV_8UC3, new Scalar(50, 60, 70));
        using (Mat small = photo.Resize(new Size(400, 400)))
        {
            small.CopyTo(scene[new Rect(120, 40, 400, 400)]);
        }

        using var pipeline = FacePipeline.Create(TestAssets.Json(extra: $"\"engine\":\"landmarks\",\"stabilize\":{(stabilize ? "true" : "false")},\"smoothing\":{smoothing.ToString(System.Globalization.CultureInfo.InvariantCulture)}"), NullLoggerFactory.Instance);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        using var noisy = new Mat();
        using var noise = new Mat(scene.Size(), MatType.CV_16SC3);
        var rng = new RNG(1234);
        Face previous = default;
        double sum = 0;
        int counted = 0;
        for (int frame = 0; frame < 40; frame++)
        {
            rng.Fill(noise, DistributionType.Normal, 0, 6); // camera noise, the same sequence for both runs
            using (Mat wide = new Mat())
            {
                scene.ConvertTo(wide, MatType.CV_16SC3);
                Cv2.Add(wide, noise, wide);
                wide.ConvertTo(noisy, MatType.CV_8UC3);
            }

            buffers.Load(noisy);
            pipeline.Process(buffers.AsFrame(frame * 33_333_333L));
            Face face = Assert.Single(pipeline.LastFaces.ToArray());
            Assert.True(face.HasLandmarks);
            if (frame >= 10)
            {
                double d = 0;
                for (int i = 0; i < FaceLandmarks.Count; i++)
                {
                    float dx = face.Landmarks[i].X - previous.Landmarks[i].X, dy = face.Landmarks[i].Y - previous.Landmarks[i].Y;
                    d += Math.Sqrt((dx * dx) + (dy * dy));
                }

                sum += d / FaceLandmarks.Count / face.Box.Width;
                counted++;
            }

            previous = face;
        }

        return sum / counted;
    }
}
