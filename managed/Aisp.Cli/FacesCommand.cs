using System.Text;
using System.Text.Json;
using Aisp.Core;
using Aisp.Core.Frames;
using Aisp.Core.Identities;
using Aisp.Core.Settings;
using Microsoft.Extensions.Logging;
using OpenCvSharp;
using CvMat = OpenCvSharp.Mat;

namespace Aisp.Cli;

/// <summary>
/// "aisp faces": the face library from the command line (enrol, list, remove, identify). Pictures
/// are read as "process" reads them; faces are found, landmarked and embedded with the same models
/// as the live filter. Every answer is JSON on stdout; failures are one line on stderr and an exit code.
/// </summary>
public static class FacesCommand
{
    public const string Usage = """
        usage: aisp faces add NAME PHOTO... [--pick largest|INDEX] [--library FILE] [--settings JSON]
               aisp faces list [--library FILE]
               aisp faces remove NAME [--library FILE]
               aisp faces identify PHOTO [--threshold T] [--library FILE] [--settings JSON]
          --library FILE   the face library (default: $AISP_FACE_LIBRARY or ~/.local/share/aisp/faces.db)
          --pick           which face of a photo with several: the largest, or its index as identify lists them
          --threshold T    cosine at which a face counts as a known person (default 0.45)
        Exit codes: 0 ok, 2 bad usage, 3 unreadable photo or no face, 4 model error, 7 face library error.
        """;

    private const int ThumbnailSide = 96;

    public static int Run(string[] args, ILoggerFactory loggers)
    {
        var words = new List<string>();
        string library = FaceLibrary.DefaultPath();
        string? pick = null, settingsJson = null;
        float threshold = Embedding.DefaultThreshold;
        for (int i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                words.Add(args[i]);
                continue;
            }

            string option = args[i];
            string value = i + 1 < args.Length ? args[++i] : throw Usage_($"{option} needs a value");
            switch (option)
            {
                case "--library": library = value; break;
                case "--pick": pick = value; break;
                case "--settings": settingsJson = value; break;
                case "--threshold":
                    threshold = float.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out float t) && t is > 0 and < 1
                        ? t : throw Usage_("--threshold needs a number between 0 and 1");
                    break;
                default: throw Usage_($"unknown option {option}");
            }
        }

        string verb = words.Count > 0 ? words[0] : throw Usage_("faces needs a command: add, list, remove or identify");
        string json = verb switch
        {
            "add" when words.Count >= 3 => Add(library, words[1], words.Skip(2).ToList(), pick, settingsJson, loggers),
            "list" when words.Count == 1 => List(library),
            "remove" when words.Count == 2 => Remove(library, words[1]),
            "identify" when words.Count == 2 => Identify(library, words[1], threshold, settingsJson, loggers),
            "add" or "list" or "remove" or "identify" => throw Usage_($"wrong arguments for 'faces {verb}'"),
            _ => throw Usage_($"unknown command 'faces {verb}'"),
        };
        Console.WriteLine(json);
        return ExitCodes.Ok;
    }

    private static string Add(string library, string name, List<string> photos, string? pick, string? settingsJson, ILoggerFactory loggers)
    {
        var faces = new List<EnrolledFace>();
        byte[]? thumbnail = null;
        using (FaceEmbedder embedder = Embedder(settingsJson, loggers))
        {
            foreach (string photo in photos)
            {
                using CvMat bgr = ImageFiles.Read(photo);
                IReadOnlyList<EmbeddedFace> found = Find(embedder, bgr);
                EmbeddedFace face = Choose(photo, found, pick);
                faces.Add(new EnrolledFace(face.Embedding, Path.GetFullPath(photo)));
                thumbnail ??= Thumbnail(bgr, face);
            }
        }

        using FaceLibrary faceLibrary = FaceLibrary.Open(library, create: true);
        IdentityRecord stored = faceLibrary.Enrol(name, faces, thumbnail);
        return Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("library", faceLibrary.Path);
            w.WriteString("name", stored.Name);
            w.WriteNumber("added", faces.Count);
            w.WriteNumber("embeddings", stored.Embeddings);
            w.WriteEndObject();
        });
    }

    private static string List(string library)
    {
        using FaceLibrary faceLibrary = FaceLibrary.Open(library, create: false);
        IReadOnlyList<IdentityRecord> all = faceLibrary.List();
        return Json(w =>
        {
            w.WriteStartArray();
            foreach (IdentityRecord r in all)
            {
                w.WriteStartObject();
                w.WriteString("name", r.Name);
                w.WriteNumber("embeddings", r.Embeddings);
                w.WriteBoolean("thumbnail", r.HasThumbnail);
                w.WriteString("created", r.Created);
                w.WriteString("updated", r.Updated);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private static string Remove(string library, string name)
    {
        using FaceLibrary faceLibrary = FaceLibrary.Open(library, create: false);
        if (!faceLibrary.Remove(name))
        {
            throw Usage_($"no identity named '{name}' in {faceLibrary.Path}");
        }

        return Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("removed", name);
            w.WriteEndObject();
        });
    }

    private static string Identify(string library, string photo, float threshold, string? settingsJson, ILoggerFactory loggers)
    {
        IReadOnlyList<KnownIdentity> known;
        using (FaceLibrary faceLibrary = FaceLibrary.Open(library, create: false))
        {
            known = faceLibrary.LoadAll();
        }

        using FaceEmbedder embedder = Embedder(settingsJson, loggers);
        using CvMat bgr = ImageFiles.Read(photo);
        IReadOnlyList<EmbeddedFace> found = Find(embedder, bgr);
        return Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("photo", photo);
            w.WriteNumber("threshold", threshold);
            w.WriteStartArray("faces");
            foreach (EmbeddedFace face in found)
            {
                Match match = Match.Best(face.Embedding, known, threshold);
                w.WriteStartObject();
                w.WriteNumber("index", face.Index);
                w.WriteStartArray("box");
                w.WriteNumberValue(MathF.Round(face.Box.Left));
                w.WriteNumberValue(MathF.Round(face.Box.Top));
                w.WriteNumberValue(MathF.Round(face.Box.Right));
                w.WriteNumberValue(MathF.Round(face.Box.Bottom));
                w.WriteEndArray();
                if (match.Known)
                {
                    w.WriteString("name", match.Name);
                }
                else
                {
                    w.WriteNull("name");
                }

                w.WriteNumber("score", Math.Round(match.Score, 3));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static FaceEmbedder Embedder(string? settingsJson, ILoggerFactory loggers) =>
        FaceEmbedder.Load(SettingsParser.Parse(settingsJson, new PipelineSettings()), loggers.CreateLogger("Aisp.Faces"));

    private static IReadOnlyList<EmbeddedFace> Find(FaceEmbedder embedder, CvMat bgr)
    {
        using var buffers = new FrameBuffers(PixelFormat.Bgra);
        buffers.Load(bgr);
        return embedder.Find(buffers.AsFrame());
    }

    /// <summary>The face of an enrolment photo: its only one, or the one --pick names.</summary>
    private static EmbeddedFace Choose(string photo, IReadOnlyList<EmbeddedFace> found, string? pick)
    {
        if (found.Count == 0)
        {
            throw new AispException(ErrorKind.SourceImage, $"photo {photo} has no face to enrol");
        }

        if (pick == "largest")
        {
            return found.MaxBy(f => f.Box.Area)!;
        }

        if (pick is not null)
        {
            return int.TryParse(pick, out int index) && index >= 0 && index < found.Count
                ? found[index]
                : throw Usage_($"--pick {pick}: photo {photo} has faces 0 to {found.Count - 1}");
        }

        if (found.Count > 1)
        {
            string boxes = string.Join(", ", found.Select(f => $"{f.Index}: [{f.Box.Left:F0},{f.Box.Top:F0},{f.Box.Right:F0},{f.Box.Bottom:F0}]"));
            throw Usage_($"photo {photo} has {found.Count} faces ({boxes}); choose one with --pick largest or --pick INDEX");
        }

        return found[0];
    }

    /// <summary>The face, with some margin, as a small PNG for listings and the OBS properties.</summary>
    private static byte[] Thumbnail(CvMat bgr, EmbeddedFace face)
    {
        float side = Math.Max(face.Box.Width, face.Box.Height) * 1.3f;
        float cx = (face.Box.Left + face.Box.Right) / 2, cy = (face.Box.Top + face.Box.Bottom) / 2;
        var rect = new Rect((int)(cx - (side / 2)), (int)(cy - (side / 2)), (int)side, (int)side).Intersect(new Rect(0, 0, bgr.Width, bgr.Height));
        using CvMat crop = bgr[rect];
        using CvMat small = crop.Resize(new Size(ThumbnailSide, ThumbnailSide));
        Cv2.ImEncode(".png", small, out byte[] png);
        return png;
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            write(w);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static AispException Usage_(string message) => new(ErrorKind.InvalidArgument, message + " (see 'aisp faces --help')");
}
