using Aisp.Core.Detection;
using Aisp.Core.Settings;
using OpenCvSharp;

namespace Aisp.Tests;

/// <summary>
/// Real photos from Debian packages and where their faces are, measured by hand on the images
/// (brow to chin, cheek to cheek), plus the models folder the build fetched.
/// </summary>
public static class TestAssets
{
    public const string Astronaut = "/usr/lib/python3/dist-packages/skimage/data/astronaut.png"; // python3-skimage
    public const string GraceHopper = "/usr/share/doc/facedetect/examples/grace_hopper_512x512.jpg"; // facedetect
    public const string IceBlock = "/usr/share/doc/facedetect/examples/640px-IceBlockNearJoekullsarlon.jpg"; // facedetect, no face

    public static readonly BoxF AstronautFace = new(172, 72, 270, 184);
    public static readonly BoxF GraceHopperFace = new(160, 118, 358, 318);

    public static Mat Load(string path)
    {
        Assert.True(File.Exists(path), $"{path} is missing: the test command installs it (apt)");
        Mat bgr = Cv2.ImRead(path, ImreadModes.Color);
        Assert.False(bgr.Empty(), $"{path} could not be decoded");
        return bgr;
    }

    /// <summary>A 1280x720 frame, dark blue-grey, with the astronaut photo scaled to <paramref name="side"/> pixels at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public static Mat AstronautScene(int side, int x, int y)
    {
        using Mat photo = Load(Astronaut);
        var scene = new Mat(720, 1280, MatType.CV_8UC3, new Scalar(40, 50, 60));
        using Mat scaled = photo.Resize(new Size(side, side));
        scaled.CopyTo(scene[new Rect(x, y, side, side)]);
        return scene;
    }

    /// <summary>
    /// A Motion-JPEG clip of <paramref name="frames"/> frames at 30 fps, <paramref name="width"/> x
    /// 3/4 of it: the astronaut photo (as wide as the clip) sliding across the frame, a real face in
    /// every frame. An existing file is kept.
    /// </summary>
    public static string WriteAstronautClip(string path, int frames, int width = 320)
    {
        if (File.Exists(path))
        {
            return path;
        }

        int height = width * 3 / 4;
        using var writer = new VideoWriter(path, FourCC.MJPG, 30, new Size(width, height));
        for (int i = 0; i < frames; i++)
        {
            using Mat scene = AstronautScene(width, i % 40, 0);
            using Mat frame = scene[new Rect(0, width / 8, width, height)];
            writer.Write(frame);
        }

        return path;
    }

    /// <summary>The models folder: AISP_MODELS_DIR, else the build's plugin layout.</summary>
    public static string ModelsDir
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("AISP_MODELS_DIR");
            if (!string.IsNullOrEmpty(env))
            {
                return env;
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "build", "plugins", "aisp", "data", "models");
                if (File.Exists(Path.Combine(candidate, "manifest.json")))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException("models not found: build first (cmake) or set AISP_MODELS_DIR");
        }
    }

    /// <summary>
    /// A group photo from tests/data/photos.json (sample1..sample6, fetched by the build into
    /// build/test-photos or AISP_TEST_PHOTOS): real people, one of them (the blonde woman right in
    /// sample1, middle in sample3) in two different pictures.
    /// </summary>
    public static string GroupPhoto(string name)
    {
        string? env = Environment.GetEnvironmentVariable("AISP_TEST_PHOTOS");
        string? dir = !string.IsNullOrEmpty(env) ? env : null;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); dir is null && d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "build", "test-photos");
            dir = Directory.Exists(candidate) ? candidate : null;
        }

        return Path.Combine(dir ?? throw new InvalidOperationException("test photos not found: build first (cmake) or set AISP_TEST_PHOTOS"), name + ".jpg");
    }

    /// <summary>A scratch copy of the models folder (manifest and weights), for tests that break one of them; the caller deletes it.</summary>
    public static string CopyModels(string prefix = "aisp-models-")
    {
        string dir = Directory.CreateTempSubdirectory(prefix).FullName;
        foreach (string f in Directory.GetFiles(ModelsDir))
        {
            File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        }

        return dir;
    }

    public static PipelineSettings Settings(string detector = DetectorNames.Default) =>
        new() { ModelsDir = ModelsDir, Detector = detector };

    /// <summary>The settings as JSON for the given detector, plus extra keys.</summary>
    public static string Json(string detector = DetectorNames.Default, string extra = "") =>
        $$"""{"models_dir":"{{ModelsDir}}","detector":"{{detector}}"{{(extra.Length > 0 ? "," + extra : "")}}}""";
}
