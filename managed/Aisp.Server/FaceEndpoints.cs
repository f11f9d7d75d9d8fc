using System.Security.Claims;
using System.Text.Json.Nodes;
using Aisp.Core;
using Aisp.Core.Identities;
using Aisp.Server.Faces;
using Microsoft.AspNetCore.Http.Features;

namespace Aisp.Server;

/// <summary>
/// /api/v1/faces: the face library the filters' "face_library" setting names (--face-library).
/// List and thumbnails (read); enrol a person from an uploaded photo and remove a person (write:
/// it changes whom the live filters recognise, within two seconds). Enrolment runs "aisp faces add".
/// </summary>
public static class FaceEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        RouteGroupBuilder faces = api.MapGroup("/faces");
        faces.MapGet("/", List).RequireAuthorization(Roles.Read);
        faces.MapGet("/{name}/thumbnail", Thumbnail).RequireAuthorization(Roles.Read);
        faces.MapPost("/", Enrol).RequireAuthorization(Roles.Write).DisableAntiforgery();
        faces.MapDelete("/{name}", Remove).RequireAuthorization(Roles.Write);
    }

    private static IResult List(HttpContext c, ServerOptions options, ClaimsPrincipal user)
    {
        var list = new JsonArray();
        if (File.Exists(options.FaceLibraryPath))
        {
            try
            {
                using FaceLibrary library = FaceLibrary.Open(options.FaceLibraryPath, create: false, readOnly: true);
                foreach (IdentityRecord r in library.List())
                {
                    list.Add(new JsonObject
                    {
                        ["name"] = r.Name, ["embeddings"] = r.Embeddings, ["thumbnail"] = r.HasThumbnail,
                        ["created"] = r.Created.ToString("O"), ["updated"] = r.Updated.ToString("O"),
                    });
                }
            }
            catch (AispException e)
            {
                return LibraryError(c, ServerPaths.Shown(e.Message, user, options)!);
            }
        }

        var answer = new JsonObject { ["faces"] = list };
        if (ServerPaths.MaySee(user))
        {
            answer["library"] = options.FaceLibraryPath;
        }

        return Results.Json(answer);
    }

    private static IResult Thumbnail(string name, HttpContext c, ServerOptions options, ClaimsPrincipal user)
    {
        try
        {
            using FaceLibrary? library = File.Exists(options.FaceLibraryPath) ? FaceLibrary.Open(options.FaceLibraryPath, create: false, readOnly: true) : null;
            return library?.Thumbnail(name) is { } png ? Results.File(png, "image/png") : NotFound(c, name);
        }
        catch (AispException e)
        {
            return LibraryError(c, ServerPaths.Shown(e.Message, user, options)!);
        }
    }

    /// <summary>multipart/form-data: "name", "photo" (a picture with the face), optional "pick" ("largest" or the face's index).</summary>
    private static async Task<IResult> Enrol(HttpContext c, ServerOptions options, FaceEnroller enroller, ClaimsPrincipal user, ILogger<FaceEnroller> log)
    {
        if (c.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = options.MaxFacePhotoBytes;
        }

        if (!c.Request.HasFormContentType)
        {
            return Invalid(c, "an enrolment is a form", "the request is not multipart/form-data");
        }

        IFormCollection form;
        try
        {
            form = await c.Request.ReadFormAsync(c.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            return ApiErrors.Result(c, 413, "UPLOAD_TOO_LARGE", $"the photo is larger than {options.MaxFacePhotoBytes >> 20} MiB", e.Message, "send a smaller picture of the face");
        }
        catch (InvalidDataException e)
        {
            return Invalid(c, "the form cannot be read", e.Message);
        }

        string name = form["name"].ToString().Trim();
        string? pick = form["pick"].ToString() is { Length: > 0 } p ? p : null;
        if (FaceLibrary.NameProblem(name) is { } problem)
        {
            return Invalid(c, $"the form needs \"name\": {problem}", $"the name given was {name.Length} characters");
        }

        if (form.Files.GetFile("photo") is not { Length: > 0 } photo)
        {
            return Invalid(c, "the form needs \"photo\": a picture of the person's face", "no \"photo\" part, or an empty one");
        }

        string folder = Path.Combine(options.DataDir, "enrol-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            // The worker reads the picture by path; the upload's own name is kept (without folders) for its messages.
            string file = Path.Combine(folder, SafeFileName(photo.FileName));
            await using (FileStream stream = File.Create(file))
            {
                await photo.CopyToAsync(stream, c.RequestAborted);
            }

            EnrolOutcome outcome = await enroller.EnrolAsync(name, file, pick, c.RequestAborted);
            if (outcome.Error is { } failed && failed.Contains("No space left", StringComparison.Ordinal))
            {
                return DiskFull.Answer(c);
            }

            string error = outcome.Error?.Replace(folder + Path.DirectorySeparatorChar, "", StringComparison.Ordinal) ?? "";
            if (outcome.ExitCode == 0)
            {
                log.LogInformation("{User} enrolled a face as {Name}", user.Identity?.Name, name);
                return Results.Json(outcome.Answer, statusCode: 201);
            }

            return outcome.ExitCode switch
            {
                FaceEnroller.Busy => ApiErrors.Result(c, 429, "ENROL_BUSY", "the server is enrolling as many faces as it runs at once", error, "try again in a few seconds"),
                2 => ApiErrors.Result(c, 400, "INVALID_FACE", "the photo cannot be enrolled as it is", error,
                    error.Contains("--pick", StringComparison.Ordinal) ? "send \"pick\": \"largest\" or the face's index" : "check the name and the photo"),
                3 => ApiErrors.Result(c, 422, "NO_FACE", "no usable face in the photo", error, "send a clear, front-facing picture of the face"),
                4 => ApiErrors.Result(c, 500, "MODEL_ERROR", "the recognition models could not run", error, "check the server's models (AISP_MODELS_DIR)"),
                7 => LibraryError(c, error),
                _ => ApiErrors.Result(c, 500, "ENROL_FAILED", "the enrolment failed", error, "look at the server log"),
            };
        }
        catch (Exception e) when (DiskFull.Is(e))
        {
            return DiskFull.Answer(c);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static IResult Remove(string name, HttpContext c, ServerOptions options, ClaimsPrincipal user, ILogger<FaceEnroller> log)
    {
        try
        {
            if (!File.Exists(options.FaceLibraryPath))
            {
                return NotFound(c, name);
            }

            using FaceLibrary library = FaceLibrary.Open(options.FaceLibraryPath, create: false);
            if (!library.Remove(name))
            {
                return NotFound(c, name);
            }
        }
        catch (AispException e)
        {
            return LibraryError(c, e.Message);
        }

        log.LogInformation("{User} removed {Name} from the face library", user.Identity?.Name, name);
        return Results.NoContent();
    }

    private static string SafeFileName(string uploaded)
    {
        string name = Path.GetFileName(uploaded.Replace('\\', '/'));
        return name.Length is > 0 and <= 200 && !name.Any(char.IsControl) && !name.StartsWith('-') ? name : "photo" + Path.GetExtension(name);
    }

    private static IResult Invalid(HttpContext c, string message, string reason) =>
        ApiErrors.Result(c, 400, "INVALID_FACE", message, reason, "send a form with \"name\" and \"photo\" (and \"pick\" for a photo with several faces)");

    private static IResult NotFound(HttpContext c, string name) =>
        ApiErrors.Result(c, 404, "FACE_NOT_FOUND", $"no one named '{name}' in the face library", "the name is not enrolled", "GET /api/v1/faces lists the names");

    private static IResult LibraryError(HttpContext c, string message) =>
        ApiErrors.Result(c, 500, "LIBRARY_ERROR", "the face library cannot be used", message, "check the --face-library file on the server's machine");
}
