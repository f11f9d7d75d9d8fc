using Aisp.Cli;
using Aisp.Core;
using Aisp.Core.Frames;
using Aisp.Core.Identities;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using Xunit.Abstractions;

namespace Aisp.Tests;

/// <summary>Recognition on real photos and the SQLite face library.</summary>
public sealed class IdentityTests(ITestOutputHelper output) : IDisposable
{
    private const string Camera = "/usr/lib/python3/dist-packages/skimage/data/camera.png"; // python3-skimage: the cameraman

    private readonly string _dir = Directory.CreateTempSubdirectory("aisp-faces-").FullName;

    /// <summary>Three people, each as photographed and in four variants a camera produces: mirrored, smaller, tilted, darker.</summary>
    private static IEnumerable<(string Person, string Variant, Mat Picture)> People()
    {
        foreach ((string person, string path) in new[] { ("astronaut", TestAssets.Astronaut), ("grace", TestAssets.GraceHopper), ("cameraman", Camera) })
        {
            using Mat photo = TestAssets.Load(path);
            yield return (person, "photo", photo.Clone());
            yield return (person, "mirrored", photo.Flip(FlipMode.Y));
            yield return (person, "rescaled", photo.Resize(new Size(photo.Width * 6 / 10, photo.Height * 6 / 10)));
            using Mat tilt = Cv2.GetRotationMatrix2D(new Point2f(photo.Width / 2f, photo.Height / 2f), 12, 1);
            yield return (person, "rotated", photo.WarpAffine(tilt, photo.Size()));
            yield return (person, "darkened", photo * 0.5);
        }
    }

    [Fact]
    public void The_threshold_separates_the_same_person_from_others_with_no_false_accepts_or_rejects()
    {
        using FaceEmbedder embedder = FaceEmbedder.Load(TestAssets.Settings(), NullLogger.Instance);
        var all = new List<(string Person, string Variant, float[] Embedding)>();
        foreach ((string person, string variant, Mat picture) in People())
        {
            using (picture)
            {
                // The person is the largest face (a tilted picture may also yield a small false detection).
                EmbeddedFace face = Embed(embedder, picture).MaxBy(f => f.Box.Area) ?? throw new Xunit.Sdk.XunitException($"{person} ({variant}): no face");
                all.Add((person, variant, face.Embedding));
            }
        }

        float minSame = 1, maxOther = -1;
        int genuine = 0, impostor = 0, falseRejects = 0, falseAccepts = 0;
        for (int i = 0; i < all.Count; i++)
        {
            for (int j = i + 1; j < all.Count; j++)
            {
                float score = Embedding.Cosine(all[i].Embedding, all[j].Embedding);
                if (all[i].Person == all[j].Person)
                {
                    genuine++;
                    minSame = Math.Min(minSame, score);
                    falseRejects += score < Embedding.DefaultThreshold ? 1 : 0;
                }
                else
                {
                    impostor++;
                    maxOther = Math.Max(maxOther, score);
                    falseAccepts += score >= Embedding.DefaultThreshold ? 1 : 0;
                }
            }
        }

        // The line bench.sh copies into docs/BENCHMARKS.md.
        output.WriteLine($"CALIBRATION threshold={Embedding.DefaultThreshold:F2} genuine={genuine} impostor={impostor} false-rejects={falseRejects} false-accepts={falseAccepts} lowest-same={minSame:F3} highest-other={maxOther:F3}");
        Assert.Equal(0, falseRejects);
        Assert.Equal(0, falseAccepts);
        Assert.True(minSame - Embedding.DefaultThreshold > 0.2f && Embedding.DefaultThreshold - maxOther > 0.15f,
            $"the threshold {Embedding.DefaultThreshold} has too little margin: same person down to {minSame:F3}, others up to {maxOther:F3}");

        // Identification: each person enrolled from the photo alone is recognised in every variant.
        var known = all.Where(e => e.Variant == "photo").Select(e => new KnownIdentity(e.Person, [e.Embedding])).ToList();
        foreach ((string person, string variant, float[] embedding) in all)
        {
            Match match = Match.Best(embedding, known, Embedding.DefaultThreshold);
            Assert.True(match.Name == person, $"{person} ({variant}) identified as {match.Name ?? "nobody"} at {match.Score:F3}");
        }
    }

    [Fact]
    public void The_library_file_is_private_keeps_identities_and_a_removal_leaves_no_trace()
    {
        string path = Path.Combine(_dir, "sub", "faces.db");
        float[] a = Unit(1), b = Unit(2), c = Unit(3);
        using (FaceLibrary library = FaceLibrary.Open(path, create: true))
        {
            library.Enrol("Ada", [new EnrolledFace(a, "a.png"), new EnrolledFace(b, "b.png")], [1, 2, 3]);
            library.Enrol("Grace", [new EnrolledFace(c, "c.png")], null);
            IdentityRecord ada = Assert.Single(library.List(), r => r.Name == "Ada");
            Assert.Equal(2, ada.Embeddings);
            Assert.True(ada.HasThumbnail);
            Assert.Equal([1, 2, 3], library.Thumbnail("Ada"));
            KnownIdentity grace = Assert.Single(library.LoadAll(), k => k.Name == "Grace");
            Assert.Equal(c, Assert.Single(grace.Embeddings));

            Assert.True(library.Remove("Ada"));
            Assert.False(library.Remove("Ada"));
            Assert.Equal(["Grace"], library.List().Select(r => r.Name));
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        }

        // Every file SQLite keeps for the library, scanned for Ada's embedding and name.
        byte[] adaBytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()).ToArray();
        foreach (string file in Directory.GetFiles(Path.GetDirectoryName(path)!))
        {
            byte[] content = File.ReadAllBytes(file);
            Assert.True(content.AsSpan().IndexOf(adaBytes) < 0, $"{file} still holds Ada's embedding");
            Assert.True(content.AsSpan().IndexOf("Ada"u8) < 0, $"{file} still holds Ada's name");
        }
    }

    [Fact]
    public void A_failed_enrolment_changes_nothing_and_a_corrupt_or_locked_library_is_a_library_error()
    {
        string path = Path.Combine(_dir, "faces.db");
        using (FaceLibrary library = FaceLibrary.Open(path, create: true))
        {
            library.Enrol("Ada", [new EnrolledFace(Unit(1), "a.png")], null);
            var bad = Assert.Throws<AispException>(() => library.Enrol("Ada", [new EnrolledFace(Unit(2), "b.png"), new EnrolledFace(new float[7], "c.png")], null));
            Assert.Contains("embedding of 7 values", bad.Message, StringComparison.Ordinal);
            Assert.Equal(1, Assert.Single(library.List()).Embeddings);

            // Another program holds the write lock: the enrolment waits its turn, then says why it gave up.
            using var other = new SqliteConnection($"Data Source={path};Pooling=False");
            other.Open();
            using (var begin = new SqliteCommand("BEGIN EXCLUSIVE", other))
            {
                begin.ExecuteNonQuery();
            }

            var locked = Assert.Throws<AispException>(() => library.Enrol("Grace", [new EnrolledFace(Unit(3), "g.png")], null));
            Assert.Equal(ErrorKind.Library, locked.Kind);
            Assert.Contains("locked", locked.Message, StringComparison.Ordinal);

            // The live filter only reads: in WAL mode it reads at once even while a writer holds the lock.
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var reader = new IdentitySet(path, NullLogger.Instance);
            Assert.Null(reader.Problem);
            Assert.Equal("Ada", Assert.Single(reader.Known).Name);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"reading waited {watch.Elapsed.TotalMilliseconds:F0} ms for the writer");
        }

        string corrupt = Path.Combine(_dir, "corrupt.db");
        File.WriteAllBytes(corrupt, System.Text.Encoding.ASCII.GetBytes(new string('x', 8192)));
        var e = Assert.Throws<AispException>(() => FaceLibrary.Open(corrupt, create: false));
        Assert.Equal(ErrorKind.Library, e.Kind);
        Assert.Contains("not a face library or is damaged", e.Message, StringComparison.Ordinal);
        string foreign = Path.Combine(_dir, "foreign.db");
        using (var other = new SqliteConnection($"Data Source={foreign};Pooling=False"))
        {
            other.Open();
            using var create = new SqliteCommand("CREATE TABLE notes (text TEXT)", other);
            create.ExecuteNonQuery();
        }

        var notOurs = Assert.Throws<AispException>(() => FaceLibrary.Open(foreign, create: false, readOnly: true));
        Assert.Contains("it has no AISP tables", notOurs.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<AispException>(() => FaceLibrary.Open(Path.Combine(_dir, "none.db"), create: false));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
    }

    /// <summary>A pipeline on the test models with extra settings (the face library, a rule, ...).</summary>
    private static Aisp.Core.Pipeline.FacePipeline Filter(string extraJson) =>
        Aisp.Core.Pipeline.FacePipeline.Create(TestAssets.Json(extra: extraJson), NullLoggerFactory.Instance);

    /// <summary>A 1280x720 group: the astronaut (400 px) on the left, Grace Hopper (400 px) on the right.</summary>
    private static Mat Group()
    {
        Mat scene = TestAssets.AstronautScene(400, 60, 160);
        using Mat grace = TestAssets.Load(TestAssets.GraceHopper);
        using Mat small = grace.Resize(new Size(400, 400));
        small.CopyTo(scene[new Rect(760, 160, 400, 400)]);
        return scene;
    }

    /// <summary>A library with Grace Hopper enrolled from her photo.</summary>
    private string LibraryWithGrace()
    {
        string path = Path.Combine(_dir, "faces.db");
        using FaceEmbedder embedder = FaceEmbedder.Load(TestAssets.Settings(), NullLogger.Instance);
        using Mat photo = TestAssets.Load(TestAssets.GraceHopper);
        EmbeddedFace face = Assert.Single(Embed(embedder, photo));
        using FaceLibrary library = FaceLibrary.Open(path, create: true);
        library.Enrol("Grace", [new EnrolledFace(face.Embedding, TestAssets.GraceHopper)], null);
        return path;
    }

    [Theory]
    [InlineData("except_listed", false, true)]
    [InlineData("only_listed", true, false)]
    [InlineData("everyone", true, true)]
    public void Privacy_covers_faces_by_who_they_are(string rule, bool graceCovered, bool astronautCovered)
    {
        string library = LibraryWithGrace();
        using var pipeline = Filter($"\"face_library\":\"{library}\",\"privacy_rule\":\"{rule}\",\"privacy_identities\":\"Grace\"");
        using Mat group = Group();
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(group);
        byte[] before = buffers.Snapshot();
        pipeline.Process(buffers.AsFrame());
        byte[] after = buffers.Snapshot();

        Assert.Equal(graceCovered, Changed(before, after, new Rect(760 + 140, 160 + 100, 120, 130)) > 0.5);
        Assert.Equal(astronautCovered, Changed(before, after, new Rect(60 + 140, 160 + 70, 70, 80)) > 0.5);
        Aisp.Core.Pipeline.StatsCounters c = pipeline.Stats.Read([]);
        Assert.Equal(2, c.FacesLastFrame);
        Assert.Equal(1, c.FacesKnown);
        Assert.Equal("", c.LastError);
    }

    [Fact]
    public void Live_recognition_runs_beside_analysis_which_never_falls_behind_and_strangers_stay_covered()
    {
        string library = LibraryWithGrace();
        using var pipeline = Filter($"\"analysis\":\"async\",\"face_library\":\"{library}\",\"privacy_rule\":\"except_listed\",\"privacy_identities\":\"Grace\"");
        using Mat group = Group();
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(group);
        byte[] pristine = buffers.Snapshot();
        int spared = -1;
        for (int i = 0; i < 90 && spared < 0; i++)
        {
            buffers.Restore(pristine);
            pipeline.Process(buffers.AsFrame(i * 33_333_333L));
            byte[] shown = buffers.Snapshot();
            Assert.True(Changed(pristine, shown, new Rect(60 + 140, 160 + 70, 70, 80)) > 0.5, $"frame {i}: the stranger's face was shown");
            Assert.NotEqual(Aisp.Core.Pipeline.FailClosedGuard.CoverBehind, pipeline.Stats.Read([]).Notice); // an embedding never holds analysis back
            if (Changed(pristine, shown, new Rect(760 + 140, 160 + 100, 120, 130)) < 0.05)
            {
                spared = i;
            }

            Assert.True(pipeline.WaitForAnalysis(TimeSpan.FromSeconds(30)), $"frame {i} was never analysed");
        }

        output.WriteLine($"Grace recognised and spared from frame {spared}");
        Assert.True(spared > 0, "Grace was never recognised in 3 s");
        Assert.Equal(1, pipeline.Stats.Read([]).FacesKnown);
    }

    [Fact]
    public void A_known_face_keeps_its_name_through_its_whole_track()
    {
        string library = LibraryWithGrace();
        using var pipeline = Filter($"\"engine\":\"landmarks\",\"face_library\":\"{library}\",\"quality\":\"balanced\"");
        using Mat grace = TestAssets.Load(TestAssets.GraceHopper);
        using Mat small = grace.Resize(new Size(300, 300));
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        for (int i = 0; i < 45; i++)
        {
            // Grace crosses the frame, 10 px a frame, detected every third frame and tracked between.
            using var scene = new Mat(720, 1280, MatType.CV_8UC3, new Scalar(40, 50, 60));
            small.CopyTo(scene[new Rect(100 + (i * 10), 200, 300, 300)]);
            buffers.Load(scene);
            pipeline.Process(buffers.AsFrame(i * 33_333_333L));
            Aisp.Core.Detection.Face face = Assert.Single(pipeline.LastFaces.ToArray());
            Assert.True(face.Identity == "Grace", $"frame {i}: the face is {face.Identity ?? "unknown"} ({face.IdentityScore:F2})");
        }
    }

    [Fact]
    public void A_damaged_library_is_a_status_error_and_the_filter_keeps_working_without_identities()
    {
        string library = Path.Combine(_dir, "damaged.db");
        File.WriteAllText(library, new string('x', 5000));
        using var pipeline = Filter($"\"face_library\":\"{library}\",\"privacy_rule\":\"except_listed\",\"privacy_identities\":\"Grace\"");
        using Mat group = Group();
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(group);
        byte[] before = buffers.Snapshot();
        pipeline.Process(buffers.AsFrame());
        Aisp.Core.Pipeline.StatsCounters c = pipeline.Stats.Read([]);
        Assert.Equal(ErrorKind.Library, c.LastErrorKind);
        Assert.Contains("not a face library or is damaged", c.LastError, StringComparison.Ordinal);
        Assert.Equal(0ul, c.FramesFailed);
        // Nobody can be told apart: "everyone except Grace" covers everyone.
        byte[] after = buffers.Snapshot();
        Assert.True(Changed(before, after, new Rect(760 + 140, 160 + 100, 120, 130)) > 0.5);
        Assert.True(Changed(before, after, new Rect(60 + 140, 160 + 70, 70, 80)) > 0.5);
    }

    [Fact]
    public void An_enrolment_while_the_filter_runs_is_picked_up()
    {
        string library = Path.Combine(_dir, "faces.db");
        using (FaceLibrary.Open(library, create: true))
        {
        }

        using var pipeline = Filter($"\"engine\":\"landmarks\",\"face_library\":\"{library}\"");
        using Mat group = Group();
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(group);
        pipeline.Process(buffers.AsFrame(0));
        Assert.All(pipeline.LastFaces.ToArray(), f => Assert.Null(f.Identity));

        File.Delete(library);
        LibraryWithGrace(); // as the CLI would, from another process
        buffers.Load(group);
        pipeline.Process(buffers.AsFrame((long)((IdentitySet.CheckSeconds + 0.2) * 1e9))); // the library is looked at again after 2 s of video
        Assert.Contains(pipeline.LastFaces.ToArray(), f => f.Identity == "Grace");
        Assert.Equal(1, pipeline.Stats.Read([]).FacesKnown);
    }

    private static double Changed(byte[] before, byte[] after, Rect r)
    {
        int changed = 0, total = 0;
        for (int y = r.Top; y < r.Bottom; y++)
        {
            for (int x = r.Left; x < r.Right; x++)
            {
                int i = ((y * 1280) + x) * 4;
                total++;
                changed += before[i] != after[i] || before[i + 1] != after[i + 1] || before[i + 2] != after[i + 2] ? 1 : 0;
            }
        }

        return (double)changed / total;
    }

    /// <summary>Every face of a decoded picture with its embedding (the group photo tests use it too).</summary>
    internal static IReadOnlyList<EmbeddedFace> Embed(FaceEmbedder embedder, Mat bgr)
    {
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(bgr);
        return embedder.Find(buffers.AsFrame());
    }

    private static float[] Unit(int seed)
    {
        var rng = new Random(seed);
        var v = new float[FaceRecognizer.Dimensions];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = (float)rng.NextDouble() - 0.5f;
        }

        Assert.True(Embedding.Normalise(v, v));
        return v;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
