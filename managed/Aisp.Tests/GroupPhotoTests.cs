using Aisp.Cli;
using Aisp.Core.Detection;
using Aisp.Core.Engines;
using Aisp.Core.Frames;
using Aisp.Core.Identities;
using Aisp.Core.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using Xunit.Abstractions;

namespace Aisp.Tests;

/// <summary>
/// Identities on real group photos (tests/data/photos.json): one woman photographed twice, a year
/// apart (right in sample1, middle in sample3), among twenty-odd other people. Recognition, the
/// per-identity privacy rule, per-identity swaps and the overlay's name labels.
/// </summary>
public sealed class GroupPhotoTests(ITestOutputHelper output) : IDisposable
{
    private const string Person = "Blonde";

    private readonly string _dir = Directory.CreateTempSubdirectory("aisp-groups-").FullName;

    [Fact]
    public void One_person_in_two_different_photos_is_recognised_and_nobody_else_in_six_group_photos_is()
    {
        using FaceEmbedder embedder = FaceEmbedder.Load(TestAssets.Settings(), NullLogger.Instance);
        EmbeddedFace enrolled = Rightmost(Faces(embedder, "sample1", expected: 3));
        var known = new List<KnownIdentity> { new(Person, [enrolled.Embedding]) };
        foreach ((string name, string path) in new[] { ("astronaut", TestAssets.Astronaut), ("grace", TestAssets.GraceHopper) })
        {
            using Mat photo = TestAssets.Load(path);
            known.Add(new KnownIdentity(name, [Assert.Single(Embed(embedder, photo)).Embedding]));
        }

        int strangers = 0, falseAccepts = 0;
        float highestStranger = -1;
        for (int i = 1; i <= 6; i++)
        {
            IReadOnlyList<EmbeddedFace> faces = Faces(embedder, $"sample{i}");
            EmbeddedFace? her = i == 3 ? Middle(faces) : null;
            foreach (EmbeddedFace face in faces)
            {
                if (i == 1 && face.Index == enrolled.Index)
                {
                    continue;
                }

                Match match = Match.Best(face.Embedding, known, Embedding.DefaultThreshold);
                if (face == her)
                {
                    Assert.True(match.Name == Person, $"sample3: the enrolled woman was identified as {match.Name ?? "nobody"} ({match.Score:F3})");
                    continue;
                }

                strangers++;
                highestStranger = Math.Max(highestStranger, known.Max(k => Embedding.Cosine(face.Embedding, k.Embeddings[0])));
                falseAccepts += match.Name is null ? 0 : 1;
                Assert.True(match.Name is null, $"sample{i} face {face.Index} ({face.Box}): a stranger named {match.Name} at {match.Score:F3}");
            }
        }

        // Her other photo as a camera would also show it: mirrored, smaller, tilted, darker.
        using Mat sample3 = TestAssets.Load(TestAssets.GroupPhoto("sample3"));
        using Mat tilt = Cv2.GetRotationMatrix2D(new Point2f(sample3.Width / 2f, sample3.Height / 2f), 12, 1);
        var variants = new (string Name, Mat Picture)[]
        {
            ("mirrored", sample3.Flip(FlipMode.Y)), ("rescaled", sample3.Resize(new Size(sample3.Width * 6 / 10, sample3.Height * 6 / 10))),
            ("rotated", sample3.WarpAffine(tilt, sample3.Size())), ("darkened", sample3 * 0.5),
        };
        float lowestSame = 1;
        foreach ((string name, Mat picture) in variants)
        {
            using (picture)
            {
                float best = Embed(embedder, picture).Max(f => Embedding.Cosine(f.Embedding, enrolled.Embedding));
                lowestSame = Math.Min(lowestSame, best);
                Assert.True(best >= Embedding.DefaultThreshold, $"sample3 {name}: she scores only {best:F3}");
            }
        }

        float same = Embedding.Cosine(Middle(Faces(embedder, "sample3")).Embedding, enrolled.Embedding);
        output.WriteLine($"GROUP-PHOTOS threshold={Embedding.DefaultThreshold:F2} strangers={strangers} false-accepts={falseAccepts} same-person={same:F3} lowest-variant={lowestSame:F3} highest-stranger={highestStranger:F3}");
        Assert.True(strangers >= 18, $"only {strangers} strangers found in the six photos");
    }

    [Fact]
    public void Privacy_for_everyone_except_the_enrolled_person_on_a_real_group_photo()
    {
        string library = LibraryWithHer();
        using var pipeline = Filter($"\"face_library\":\"{library}\",\"privacy_rule\":\"except_listed\",\"privacy_identities\":\"{Person}\"");
        (byte[] before, byte[] after, int width, IReadOnlyList<EmbeddedFace> faces) = Run(pipeline, "sample3");
        EmbeddedFace her = Middle(faces);
        Assert.True(Changed(before, after, width, her.Box) == 0, "her face was covered");
        foreach (EmbeddedFace other in faces.Where(f => f != her))
        {
            Assert.True(Changed(before, after, width, other.Box) > 0.5, $"the stranger at {other.Box} was shown");
        }

        StatsCounters c = pipeline.Stats.Read([]);
        Assert.Equal((3, 1), (c.FacesLastFrame, c.FacesKnown));
    }

    [Fact]
    public void Each_identity_is_swapped_to_its_own_picture_and_unmapped_faces_follow_swap_unknown()
    {
        string library = LibraryWithHer();
        string Settings(string picture, string unknown) =>
            $"\"engine\":\"morph\",\"face_library\":\"{library}\",\"swap_identities\":{{\"{Person}\":\"{picture}\"}},\"swap_unknown\":\"{unknown}\"";

        byte[] left, toDefault, toGrace;
        IReadOnlyList<EmbeddedFace> faces;
        byte[] before;
        int width;
        using (var pipeline = Filter(Settings(TestAssets.Astronaut, "leave")))
        {
            SetSources(pipeline, defaultSource: TestAssets.GraceHopper);
            (before, left, width, faces) = Run(pipeline, "sample3");
            Assert.Equal(TestAssets.Astronaut, pipeline.Sources.Mapped(Person)!.Label);
        }

        EmbeddedFace her = Middle(faces);
        EmbeddedFace[] others = faces.Where(f => f != her).ToArray();
        Assert.True(Changed(before, left, width, her.Box) > 0.3, "her face was not swapped to her picture");
        Assert.All(others, o => Assert.Equal(0, Changed(before, left, width, o.Box)));
        int height = before.Length / 4 / width;
        Assert.Equal(CountChanged(before, left, width, new BoxF(0, 0, width, height)), CountChanged(before, left, width, Inflate(her.Box))); // nothing outside her face

        using (var pipeline = Filter(Settings(TestAssets.Astronaut, "default")))
        {
            SetSources(pipeline, defaultSource: TestAssets.GraceHopper);
            (_, toDefault, _, _) = Run(pipeline, "sample3");
        }

        Assert.All(others, o => Assert.True(Changed(before, toDefault, width, o.Box) > 0.3, $"the stranger at {o.Box} did not get the default source"));
        Assert.True(SameInside(left, toDefault, width, her.Box), "her mapping lost to the default source");

        using (var pipeline = Filter(Settings(TestAssets.GraceHopper, "leave")))
        {
            (_, toGrace, _, _) = Run(pipeline, "sample3");
        }

        Assert.False(SameInside(left, toGrace, width, her.Box), "another picture mapped to her gave the same face");

        // Two mappings at once: the woman on the left (enrolled from this photo) to Grace Hopper, her
        // to the astronaut; the third face is nobody's and stays as it was.
        EmbeddedFace curly = faces.MinBy(f => f.Box.Left)!, third = faces.MaxBy(f => f.Box.Left)!;
        using (FaceLibrary writer = FaceLibrary.Open(library, create: false))
        {
            writer.Enrol("Curly", [new EnrolledFace(curly.Embedding, "sample3.jpg")], null);
        }

        byte[] both;
        string two = $"\"engine\":\"morph\",\"face_library\":\"{library}\",\"swap_unknown\":\"leave\",\"swap_identities\":{{\"{Person}\":\"{TestAssets.Astronaut}\",\"Curly\":\"{TestAssets.GraceHopper}\"}}";
        using (var pipeline = Filter(two))
        {
            (_, both, _, _) = Run(pipeline, "sample3");
            Assert.Equal(2, pipeline.Sources.MappedCount);
        }

        Assert.True(SameInside(left, both, width, her.Box), "her picture changed when another mapping was added");
        Assert.True(SameInside(toDefault, both, width, curly.Box), "the left woman did not get Grace Hopper, her own mapping");
        Assert.Equal(0, Changed(before, both, width, third.Box));

        // The CLI decodes the mapped pictures itself (the core decodes none) and gives the same picture.
        string cliOut = Path.Combine(_dir, "swapped.png");
        string settings = "{" + Settings(TestAssets.Astronaut, "leave") + $",\"models_dir\":\"{TestAssets.ModelsDir}\"" + "}";
        (int code, _, string stderr) = CliTests.Run("--input", TestAssets.GroupPhoto("sample3"), "--output", cliOut, "--settings", settings);
        Assert.True(code == 0, stderr);
        using Mat cli = Cv2.ImRead(cliOut);
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(cli);
        Assert.True(SameInside(left, buffers.Snapshot(), width, her.Box), "the CLI's per-identity swap differs from the core's");
    }

    [Fact]
    public void The_landmarks_overlay_writes_each_face_s_name_and_score_under_its_box()
    {
        string library = LibraryWithHer();
        using var pipeline = Filter($"\"engine\":\"landmarks\",\"face_library\":\"{library}\"");
        using Mat photo = TestAssets.Load(TestAssets.GroupPhoto("sample3"));
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        Face[] faces = [];
        byte[] drawn = [];
        for (int frame = 0; frame < 10 && !(faces.Length == 3 && faces.All(f => f.Recognised)); frame++)
        {
            buffers.Load(photo); // recognition looks at a budgeted number of faces per frame
            pipeline.Process(buffers.AsFrame(frame * 33_333_333L));
            drawn = buffers.Snapshot();
            faces = pipeline.LastFaces.ToArray();
        }

        Assert.Equal(3, faces.Length);
        var texts = new List<string>();
        Span<char> text = stackalloc char[FaceLabel.MaxChars];
        foreach (Face face in faces.OrderBy(f => f.Box.Left))
        {
            int chars = FaceLabel.Format(face, text);
            texts.Add(text[..chars].ToString());
            FaceLabel label = FaceLabel.Layout(face.Box, chars, photo.Width, photo.Height);
            Assert.Equal(chars, label.Chars);
            int wrong = 0, lit = 0;
            for (int i = 0; i < label.Chars; i++)
            {
                for (int row = 0; row < LabelFont.Rows; row++)
                {
                    for (int column = 0; column < LabelFont.Columns; column++)
                    {
                        (int x, int y) = label.CellAt(i, column, row);
                        int p = (((y + (label.Cell / 2)) * photo.Width) + x + (label.Cell / 2)) * 4;
                        bool want = LabelFont.Lit(text[i], column, row);
                        lit += want ? 1 : 0;
                        wrong += drawn[p] == (want ? 255 : 0) && drawn[p + 1] == drawn[p] && drawn[p + 2] == drawn[p] ? 0 : 1;
                    }
                }
            }

            Assert.True(lit > 10 * chars && wrong == 0, $"label '{texts[^1]}': {wrong} font cells wrong of {chars * 35}");
        }

        output.WriteLine($"labels: {string.Join(" | ", texts)}");
        Assert.StartsWith("unknown 0.", texts[0], StringComparison.Ordinal);
        Assert.Matches($"^{Person} 0\\.[4-9][0-9]$", texts[1]);
        Assert.StartsWith("unknown 0.", texts[2], StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static FacePipeline Filter(string extraJson) => FacePipeline.Create(TestAssets.Json(extra: extraJson), NullLoggerFactory.Instance);

    /// <summary>A library with her enrolled from sample1 (the rightmost face there).</summary>
    private string LibraryWithHer()
    {
        string path = Path.Combine(_dir, "faces.db");
        using FaceEmbedder embedder = FaceEmbedder.Load(TestAssets.Settings(), NullLogger.Instance);
        EmbeddedFace her = Rightmost(Faces(embedder, "sample1", expected: 3));
        using FaceLibrary library = FaceLibrary.Open(path, create: true);
        library.Enrol(Person, [new EnrolledFace(her.Embedding, "sample1.jpg")], null);
        return path;
    }

    /// <summary>Decodes the mapped pictures (and a default source) as a host does and hands them over.</summary>
    private static void SetSources(FacePipeline pipeline, string defaultSource)
    {
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        using Mat picture = TestAssets.Load(defaultSource);
        buffers.Load(picture);
        pipeline.SetSourceImage(buffers.AsFrame(), defaultSource);
        foreach ((string identity, string path) in pipeline.Settings.SwapIdentities)
        {
            using Mat mapped = TestAssets.Load(path);
            buffers.Load(mapped);
            pipeline.SetIdentitySource(identity, buffers.AsFrame(), path);
        }
    }

    /// <summary>One frame of a group photo through the pipeline: the picture before and after, its width and its faces.</summary>
    private static (byte[] Before, byte[] After, int Width, IReadOnlyList<EmbeddedFace> Faces) Run(FacePipeline pipeline, string photo)
    {
        if (pipeline.Sources.MappedCount < pipeline.Settings.SwapIdentities.Count)
        {
            SetSources(pipeline, TestAssets.GraceHopper);
        }

        using Mat picture = TestAssets.Load(TestAssets.GroupPhoto(photo));
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(picture);
        byte[] before = buffers.Snapshot();
        pipeline.Process(buffers.AsFrame());
        Assert.Equal("", pipeline.Stats.Read([]).LastError);
        using FaceEmbedder embedder = FaceEmbedder.Load(TestAssets.Settings(), NullLogger.Instance);
        return (before, buffers.Snapshot(), picture.Width, Faces(embedder, photo, expected: 3));
    }

    private static IReadOnlyList<EmbeddedFace> Faces(FaceEmbedder embedder, string photo, int expected = 0)
    {
        using Mat picture = TestAssets.Load(TestAssets.GroupPhoto(photo));
        IReadOnlyList<EmbeddedFace> faces = Embed(embedder, picture);
        Assert.True(expected == 0 || faces.Count == expected, $"{photo}: {faces.Count} faces, expected {expected}");
        return faces;
    }

    private static IReadOnlyList<EmbeddedFace> Embed(FaceEmbedder embedder, Mat bgr) => IdentityTests.Embed(embedder, bgr);

    private static EmbeddedFace Rightmost(IReadOnlyList<EmbeddedFace> faces) => faces.MaxBy(f => f.Box.Left)!;

    private static EmbeddedFace Middle(IReadOnlyList<EmbeddedFace> faces) => faces.OrderBy(f => f.Box.Left).ElementAt(1);

    private static BoxF Inflate(BoxF b) => new(b.Left - (b.Width * 0.3f), b.Top - (b.Height * 0.3f), b.Right + (b.Width * 0.3f), b.Bottom + (b.Height * 0.3f));

    /// <summary>Share of pixels inside the box (clipped to the picture) whose colour changed.</summary>
    private static double Changed(byte[] before, byte[] after, int width, BoxF box)
    {
        int total = Math.Max(1, Area(before, width, box));
        return (double)CountChanged(before, after, width, box) / total;
    }

    private static int Area(byte[] picture, int width, BoxF box)
    {
        int height = picture.Length / 4 / width;
        return Math.Max(0, Math.Min(height, (int)box.Bottom) - Math.Max(0, (int)box.Top)) * Math.Max(0, Math.Min(width, (int)box.Right) - Math.Max(0, (int)box.Left));
    }

    /// <summary>Pixels inside the box (clipped to the picture) whose colour changed.</summary>
    private static int CountChanged(byte[] before, byte[] after, int width, BoxF box)
    {
        int height = before.Length / 4 / width, changed = 0;
        for (int y = Math.Max(0, (int)box.Top); y < Math.Min(height, (int)box.Bottom); y++)
        {
            for (int x = Math.Max(0, (int)box.Left); x < Math.Min(width, (int)box.Right); x++)
            {
                int i = ((y * width) + x) * 4;
                changed += before[i] != after[i] || before[i + 1] != after[i + 1] || before[i + 2] != after[i + 2] ? 1 : 0;
            }
        }

        return changed;
    }

    private static bool SameInside(byte[] a, byte[] b, int width, BoxF box) => Changed(a, b, width, box) == 0;
}
