using System.Text.Json;
using System.Text.Json.Nodes;
using Aisp.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenCvSharp;

namespace Aisp.Tests;

/// <summary>
/// The face library through the server (/api/v1/faces): an operator enrols real photos, everyone
/// reads the list and thumbnails, and what the server wrote is the library the CLI (and so the live
/// filter) recognises people from; removal takes the person out of it. Refusals use the error format.
/// </summary>
[Collection("ServerJobs")] // enrolment runs worker processes that load the models
public sealed class FaceEndpointTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly string _dir = Directory.CreateTempSubdirectory("aisp-faces-api-").FullName;
    private WebApplication _app = null!;
    private ServerApi _api = null!;

    private string Library => Path.Combine(_dir, "faces.db");

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("AISP_MODELS_DIR", TestAssets.ModelsDir); // the workers inherit it
        _app = ServerApp.Build(new ServerOptions
        {
            DataDir = Path.Combine(_dir, "server"),
            PasswordIterations = 1000,
            FaceLibraryPath = Library,
            JobCommand = ["dotnet", Path.Combine(AppContext.BaseDirectory, "aisp.dll")],
            ObsUrl = new Uri("ws://127.0.0.1:9"),
        }, b => b.WebHost.UseTestServer());
        await _app.StartAsync();
        _api = new ServerApi(_app.GetTestClient());
        var users = _app.Services.GetRequiredService<UserStore>();
        users.Add("op", Password, Roles.Operator);
        users.Add("viewer", Password, Roles.Viewer);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task An_operator_enrols_and_removes_people_and_the_cli_recognises_whom_the_server_enrolled()
    {
        string op = (string)(await _api.Login("op", Password))["access_token"]!;
        string viewer = (string)(await _api.Login("viewer", Password))["access_token"]!;

        // No library yet: an empty list, not an error.
        JsonNode empty = await ServerApi.Json(await _api.Send("GET", "/api/v1/faces", null, viewer), 200);
        Assert.Empty(empty["faces"]!.AsArray());
        Assert.Null(empty["library"]); // issue 27: a viewer learns no server path
        var users = _app.Services.GetRequiredService<UserStore>();
        users.Add("root", Password, Roles.Admin);
        string admin = (string)(await _api.Login("root", Password))["access_token"]!;
        Assert.Equal(Library, (string?)(await ServerApi.Json(await _api.Send("GET", "/api/v1/faces", null, admin), 200))["library"]);

        JsonNode added = await ServerApi.Json(await Enrol(op, "Grace Hopper", TestAssets.GraceHopper), 201);
        Assert.Equal("Grace Hopper", (string?)added["name"]);
        Assert.Equal(1, (int)added["embeddings"]!);

        // A group of two needs a choice, and the refusal says how to make it; "largest" makes it.
        string group = Path.Combine(_dir, "two people.png");
        using (Mat scene = TestAssets.AstronautScene(400, 60, 160))
        using (Mat grace = TestAssets.Load(TestAssets.GraceHopper))
        using (Mat small = grace.Resize(new Size(200, 200)))
        {
            small.CopyTo(scene[new Rect(760, 160, 200, 200)]);
            Cv2.ImWrite(group, scene);
        }

        JsonNode several = (await ServerApi.Json(await Enrol(op, "Eileen", group), 400))["error"]!;
        Assert.Equal("INVALID_FACE", (string?)several["code"]);
        Assert.Contains("has 2 faces", (string)several["details"]!["reason"]!, StringComparison.Ordinal);
        Assert.Contains("largest", (string)several["details"]!["suggestion"]!, StringComparison.Ordinal);
        Assert.DoesNotContain(_dir, several.ToJsonString(), StringComparison.Ordinal); // the server's scratch folder stays private
        await ServerApi.Json(await Enrol(op, "Eileen", group, "largest"), 201);

        // No face, not a picture, a viewer, a name the CLI would read as an option: refused.
        Assert.Equal("NO_FACE", (string?)(await ServerApi.Json(await Enrol(op, "Ice", TestAssets.IceBlock), 422))["error"]!["code"]);
        string notPicture = Path.Combine(_dir, "notes.png");
        await File.WriteAllTextAsync(notPicture, "not a picture");
        Assert.Equal("NO_FACE", (string?)(await ServerApi.Json(await Enrol(op, "Notes", notPicture), 422))["error"]!["code"]);
        await ServerApi.Json(await Enrol(viewer, "Grace Hopper", TestAssets.GraceHopper), 403);
        Assert.Equal("INVALID_FACE", (string?)(await ServerApi.Json(await Enrol(op, "--library", TestAssets.GraceHopper), 400))["error"]!["code"]);
        foreach (string unremovable in new[] { "a/b", "back\\slash", "line\nbreak", "nul\0", new string('x', 101) })
        {
            // A name the API could never delete again (biometric data that cannot be removed) is refused at enrolment.
            Assert.Equal("INVALID_FACE", (string?)(await ServerApi.Json(await Enrol(op, unremovable, TestAssets.GraceHopper), 400))["error"]!["code"]);
        }

        // The list and a thumbnail of the face, for everyone who may read.
        JsonNode listed = await ServerApi.Json(await _api.Send("GET", "/api/v1/faces", null, viewer), 200);
        Assert.Equal(["Eileen", "Grace Hopper"], listed["faces"]!.AsArray().Select(f => (string)f!["name"]!));
        using (HttpResponseMessage thumb = await _api.Send("GET", "/api/v1/faces/Grace%20Hopper/thumbnail", null, viewer))
        {
            Assert.Equal("image/png", thumb.Content.Headers.ContentType?.MediaType);
            using Mat png = Cv2.ImDecode(await thumb.Content.ReadAsByteArrayAsync(), ImreadModes.Color);
            Assert.Equal(new Size(96, 96), png.Size());
        }

        // What the server enrolled is what recognition uses: the CLI names her in the group.
        (int code, string identified, string stderr) = CliTests.RunCli(["faces", "identify", group, "--library", Library]);
        Assert.True(code == 0, stderr);
        Assert.Contains(Names(identified), n => n == "Grace Hopper");

        // Removal (an operator; not a viewer) takes her out of recognition.
        await ServerApi.Json(await _api.Send("DELETE", "/api/v1/faces/Grace%20Hopper", null, viewer), 403);
        using (HttpResponseMessage removed = await _api.Send("DELETE", "/api/v1/faces/Grace%20Hopper", null, op))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, removed.StatusCode);
        }

        Assert.Equal("FACE_NOT_FOUND", (string?)(await ServerApi.Json(await _api.Send("DELETE", "/api/v1/faces/Grace%20Hopper", null, op), 404))["error"]!["code"]);
        (code, identified, stderr) = CliTests.RunCli(["faces", "identify", group, "--library", Library]);
        Assert.True(code == 0, stderr);
        Assert.DoesNotContain(Names(identified), n => n == "Grace Hopper");

        // A damaged library is a clear 500 in the format, not a crash; a viewer's message names no server path.
        File.WriteAllText(Library, new string('x', 5000));
        JsonNode damaged = await ServerApi.Json(await _api.Send("GET", "/api/v1/faces", null, viewer), 500);
        Assert.Equal("LIBRARY_ERROR", (string?)damaged["error"]!["code"]);
        Assert.DoesNotContain(_dir, damaged.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enrolments_beyond_the_cap_are_answered_at_once()
    {
        // Workers that never finish hold both slots; the third is told to come back.
        var options = new ServerOptions { DataDir = _dir, JobCommand = ["/bin/sh", "-c", "sleep 600", "stuck"] };
        using var enroller = new Aisp.Server.Faces.FaceEnroller(options, Microsoft.Extensions.Logging.Abstractions.NullLogger<Aisp.Server.Faces.FaceEnroller>.Instance);
        using var stop = new CancellationTokenSource();
        Task<Aisp.Server.Faces.EnrolOutcome>[] held = [enroller.EnrolAsync("A", TestAssets.GraceHopper, null, stop.Token), enroller.EnrolAsync("B", TestAssets.GraceHopper, null, stop.Token)];
        Aisp.Server.Faces.EnrolOutcome third = await enroller.EnrolAsync("C", TestAssets.GraceHopper, null, CancellationToken.None);
        Assert.Equal(Aisp.Server.Faces.FaceEnroller.Busy, third.ExitCode);
        await stop.CancelAsync();
        Assert.All(await Task.WhenAll(held), o => Assert.Equal(-1, o.ExitCode));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        Assert.Equal(-1, (await enroller.EnrolAsync("D", TestAssets.GraceHopper, null, cancelled.Token)).ExitCode); // a slot came back: it started (and was stopped)
    }

    private Task<HttpResponseMessage> Enrol(string token, string name, string photo, string? pick = null) =>
        _api.SendForm("/api/v1/faces", pick is null ? [("name", name)] : [("name", name), ("pick", pick)], "photo", photo, token);

    private static List<string?> Names(string identifyJson)
    {
        using JsonDocument json = JsonDocument.Parse(identifyJson);
        return json.RootElement.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
    }
}
