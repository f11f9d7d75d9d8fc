using System.Security.Claims;
using System.Text.Json.Nodes;
using Aisp.Server.Jobs;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Aisp.Server;

/// <summary>
/// /api/v1/jobs: file jobs. Submit a picture or video by path (inside --jobs-read folders) or by
/// upload, with settings (execute); list, look at and download results (read); cancel and delete
/// (execute). Every refusal uses the seed's error format.
/// </summary>
public static class JobEndpoints
{
    public sealed record PathJob(string? Path, JsonObject? Settings, string? OutputFormat);

    public static void Map(IEndpointRouteBuilder api)
    {
        RouteGroupBuilder jobs = api.MapGroup("/jobs");
        jobs.MapGet("/", (JobStore store, int? limit, ClaimsPrincipal user, ServerOptions options) => Results.Json(new JsonObject
        {
            ["jobs"] = new JsonArray(store.List(Math.Clamp(limit ?? 100, 1, 1000)).Select(j => (JsonNode)Shown(j, user, options)).ToArray()),
        })).RequireAuthorization(Roles.Read);
        jobs.MapPost("/", SubmitPath).RequireAuthorization(Roles.Execute);
        jobs.MapPost("/upload", SubmitUpload).RequireAuthorization(Roles.Execute).DisableAntiforgery();
        jobs.MapGet("/{id:long}", (long id, JobStore store, HttpContext c, ClaimsPrincipal user, ServerOptions options) =>
                store.Get(id) is { } j ? Results.Json(Shown(j, user, options)) : NotFound(c, id))
            .RequireAuthorization(Roles.Read);
        jobs.MapPost("/{id:long}/cancel", Cancel).RequireAuthorization(Roles.Execute);
        jobs.MapGet("/{id:long}/result", Download).RequireAuthorization(Roles.Read);
        jobs.MapDelete("/{id:long}", Delete).RequireAuthorization(Roles.Execute);
    }

    private static IResult SubmitPath(PathJob body, HttpContext c, ServerOptions options, JobStore store, JobScheduler queue, ClaimsPrincipal user)
    {
        string input, format, settings;
        try
        {
            input = JobInputs.ReadablePath(body.Path ?? throw new ArgumentException("the body needs \"path\": an absolute path the server may read"), options.JobInputRoots);
            format = JobInputs.OutputFormat(input, body.OutputFormat);
            settings = JobInputs.Settings(body.Settings?.ToJsonString(), options.JobInputRoots, options.FaceLibraryPath);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            return Refused(c, e);
        }

        try
        {
            Job job = store.Create(user.Identity?.Name ?? "?", input, Path.GetFileName(input), uploaded: false, format, settings);
            return Results.Json(queue.Submit(job).ToJson(), statusCode: 201);
        }
        catch (Exception e) when (DiskFull.Is(e))
        {
            return DiskFull.Answer(c);
        }
    }

    /// <summary>multipart/form-data: "settings" (JSON text) and "output_format" first if given, then "file"; the file streams to disk, never whole into memory.</summary>
    private static async Task<IResult> SubmitUpload(HttpContext c, ServerOptions options, JobStore store, JobScheduler queue, ClaimsPrincipal user)
    {
        if (c.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = options.MaxUploadBytes;
        }

        if (!MediaTypeHeaderValue.TryParse(c.Request.ContentType, out MediaTypeHeaderValue? type) || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
        {
            return ApiErrors.Result(c, 400, "INVALID_REQUEST", "an upload is multipart/form-data", "the request has no multipart boundary",
                "send a form with a \"file\" part (and optional \"settings\", \"output_format\" parts before it)");
        }

        string? settingsText = null, wanted = null;
        Directory.CreateDirectory(options.JobsDir);
        var reader = new MultipartReader(boundary, c.Request.Body);
        string? partial = null;
        try
        {
            for (MultipartSection? section = await reader.ReadNextSectionAsync(c.RequestAborted); section is not null; section = await reader.ReadNextSectionAsync(c.RequestAborted))
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out ContentDispositionHeaderValue? part))
                {
                    continue;
                }

                string name = HeaderUtilities.RemoveQuotes(part.Name).Value ?? "";
                if (name == "file")
                {
                    string fileName = Path.GetFileName(HeaderUtilities.RemoveQuotes(part.FileName).Value ?? "");
                    string format = JobInputs.OutputFormat(fileName, wanted);
                    string settings = JobInputs.Settings(settingsText, options.JobInputRoots, options.FaceLibraryPath);
                    partial = Path.Combine(options.JobsDir, $"upload-{Guid.NewGuid():N}.part");
                    await using (FileStream file = File.Create(partial))
                    {
                        await section.Body.CopyToAsync(file, c.RequestAborted);
                    }

                    Job job = store.Create(user.Identity?.Name ?? "?", "", fileName, uploaded: true, format, settings);
                    string folder = Job.Folder(options, job.Id);
                    Directory.CreateDirectory(folder);
                    string input = Path.Combine(folder, "input" + Path.GetExtension(fileName).ToLowerInvariant());
                    File.Move(partial, input);
                    partial = null;
                    store.SetInput(job.Id, input);
                    return Results.Json(queue.Submit(store.Get(job.Id)!).ToJson(), statusCode: 201);
                }

                string value = await FormFields.ReadAsync(section, name, c.RequestAborted);
                if (name == "settings")
                {
                    settingsText = value;
                }
                else if (name == "output_format")
                {
                    wanted = value.Length > 0 ? value : null;
                }
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or UnauthorizedAccessException)
        {
            return Refused(c, e);
        }
        catch (Exception e) when (DiskFull.Is(e))
        {
            return DiskFull.Answer(c);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            return ApiErrors.Result(c, 413, "UPLOAD_TOO_LARGE", $"the upload is larger than {options.MaxUploadBytes >> 20} MiB", e.Message,
                "give the server a path to the file instead (--jobs-read), or split the video");
        }
        finally
        {
            if (partial is not null)
            {
                File.Delete(partial);
            }
        }

        return ApiErrors.Result(c, 400, "INVALID_REQUEST", "the upload has no \"file\" part", "the form ended before a file",
            "send the picture or video as the form's \"file\" part");
    }

    private static IResult Cancel(long id, HttpContext c, JobStore store, JobScheduler queue, ClaimsPrincipal user)
    {
        if (store.Get(id) is not { } job)
        {
            return NotFound(c, id);
        }

        return queue.Cancel(id, user.Identity?.Name ?? "?") is { } cancelling
            ? Results.Json(cancelling.ToJson())
            : ApiErrors.Result(c, 409, "JOB_FINISHED", $"job {id} has already finished", $"its state is {Aisp.Core.Control.FilterStates.Name(job.State)}", "nothing to cancel");
    }

    private static IResult Download(long id, HttpContext c, JobStore store, ServerOptions options)
    {
        if (store.Get(id) is not { } job)
        {
            return NotFound(c, id);
        }

        string path = job.ResultPath(options);
        if (job.Result != JobResults.Succeeded || !File.Exists(path))
        {
            return ApiErrors.Result(c, 409, "JOB_NOT_DONE", $"job {id} has no result", job.Error ?? $"its state is {Aisp.Core.Control.FilterStates.Name(job.State)}",
                "wait for TASK_COMPLETED on the event stream, or look at the job's error");
        }

        string name = Path.GetFileNameWithoutExtension(job.InputName) + ".aisp." + job.OutputFormat;
        string type = job.OutputFormat switch { "png" => "image/png", "jpg" => "image/jpeg", "mp4" => "video/mp4", _ => "video/x-msvideo" };
        return Results.File(path, type, name, enableRangeProcessing: true);
    }

    private static IResult Delete(long id, HttpContext c, JobStore store, ServerOptions options)
    {
        if (store.Get(id) is not { } job)
        {
            return NotFound(c, id);
        }

        if (!store.Delete(id))
        {
            return ApiErrors.Result(c, 409, "JOB_ACTIVE", $"job {id} has not finished", $"its state is {Aisp.Core.Control.FilterStates.Name(job.State)}", "cancel it first");
        }

        string folder = Job.Folder(options, id);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true); // its upload, result and statistics; a path input is the user's and stays
        }

        return Results.NoContent();
    }

    private static IResult NotFound(HttpContext c, long id) =>
        ApiErrors.Result(c, 404, "JOB_NOT_FOUND", $"no job {id}", "no job has this number (deleted, or never made)", "GET /api/v1/jobs lists the jobs");

    /// <summary>A job as the caller may see it: its error without the server's folders unless the caller is an admin.</summary>
    private static JsonObject Shown(Job job, ClaimsPrincipal user, ServerOptions options)
    {
        JsonObject json = job.ToJson();
        json["error"] = ServerPaths.Shown(job.Error, user, options);
        return json;
    }

    private static IResult Refused(HttpContext c, Exception e) => e switch
    {
        UnauthorizedAccessException => ApiErrors.Result(c, 403, "PATH_NOT_ALLOWED", e.Message, "the server reads files only inside the folders it was started with",
            "upload the file, or start the server with --jobs-read FOLDER"),
        FileNotFoundException or IOException => ApiErrors.Result(c, 400, "INPUT_NOT_FOUND", e.Message, "the server cannot read that file", "check the path on the server's machine"),
        _ => ApiErrors.Result(c, 400, "INVALID_JOB", e.Message, "the job's input, format or settings are not usable", "the OpenAPI document shows the job's fields"),
    };
}
