using System.Text.Json.Nodes;
using Aisp.Server;
using Aisp.Server.Obs;
using Aisp.Tests.Remote;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpenCvSharp;

namespace Aisp.Tests;

/// <summary>
/// The dashboard in a real browser (Debian's chromium driven by Playwright) against the real server
/// on loopback and a real OBS: each role logs in and sees what its permissions allow; the live
/// numbers move; an operator's engine switch shows in OBS's screenshot; a file job runs from the
/// page to its download; a face is enrolled and removed; the assistant suggests and applies; an admin adds a user.
/// </summary>
[Collection(nameof(RemoteControlTests))] // alone, like the other real-OBS tests
public sealed class DashboardTests(RealObs obs) : IClassFixture<RealObs>, IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private const string Chromium = "/usr/bin/chromium";
    private readonly string _dir = Directory.CreateTempSubdirectory("aisp-dashboard-").FullName;
    private WebApplication _app = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string _url = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("AISP_MODELS_DIR", TestAssets.ModelsDir); // the job workers inherit it
        (_app, _url) = await ServerApi.StartOnLoopbackAsync(new ServerOptions
        {
            DataDir = _dir,
            FaceLibraryPath = Path.Combine(_dir, "faces.db"),
            PasswordIterations = 1000,
            ObsUrl = obs.Url,
            ObsPassword = RealObs.Password,
            JobCommand = ["dotnet", Path.Combine(AppContext.BaseDirectory, "aisp.dll")],
        }, Password);

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _app.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Each_role_sees_what_it_may_do_the_numbers_are_live_and_an_operators_switch_reaches_obs()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        CancellationToken ct = cts.Token;
        using ObsWebSocketClient client = await obs.ConnectAsync(ct);
        using Mat plain = await ObsScene.AddPlainFilteredPhotoAsync(client, obs, "Desk", "AISP", ct);

        // A wrong password is refused on the page.
        IPage stranger = await NewPage();
        await LogIn(stranger, Roles.Viewer, "not the password");
        await Assertions.Expect(stranger.Locator("#login-error")).ToContainTextAsync("wrong user name or password");

        // Viewer: live numbers, the event log, no controls anywhere.
        IPage viewer = await NewPage();
        await LogIn(viewer, Roles.Viewer, Password);
        ILocator row = viewer.Locator("#filters tr[data-key='Desk/AISP']");
        await Assertions.Expect(row.Locator("[data-role=state]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("IDLE|PROCESSING"));
        await Assertions.Expect(row.Locator("[data-role=fps]")).Not.ToHaveTextAsync("-");
        string machine = await viewer.Locator("#machine").TextContentAsync() ?? "";
        await viewer.WaitForFunctionAsync("m => document.querySelector('#machine').textContent !== m", machine);
        string fps = await row.Locator("[data-role=fps]").TextContentAsync() ?? "";
        Assert.True(double.Parse(fps, System.Globalization.CultureInfo.InvariantCulture) > 1, $"fps {fps}");
        Assert.Equal(0, await viewer.Locator("#filters select").CountAsync());
        Assert.False(await viewer.Locator("#job-form").IsVisibleAsync());
        Assert.False(await viewer.Locator("#users-card").IsVisibleAsync());
        Assert.Equal(0, await viewer.Locator("#filters button:visible").CountAsync());

        // Operator: switch the engine on the page; OBS's own screenshot shows the faces covered,
        // and the viewer's page hears of it on the event stream.
        IPage op = await NewPage();
        await LogIn(op, Roles.Operator, Password);
        ILocator select = op.Locator("#filters tr[data-key='Desk/AISP'] select");
        await Assertions.Expect(select).ToBeVisibleAsync();
        Assert.False(await op.Locator("#users-card").IsVisibleAsync());
        await select.SelectOptionAsync("privacy");
        double changed = await ObsScene.WaitForFaceAsync(client, "Desk", plain, d => d > 0.5, ct);
        Assert.True(changed > 0.5);
        await Assertions.Expect(viewer.Locator("#events tr[data-type=ENGINE_STARTED]").First).ToContainTextAsync("privacy");
        await Assertions.Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("privacy");

        // A file job from the page: uploaded, its progress bar fills, the result downloads.
        await op.Locator("#job-file").SetInputFilesAsync(TestAssets.Astronaut);
        await op.Locator("#job-settings").FillAsync("{\"privacy_mode\":\"blur\"}");
        await op.Locator("#job-form button").ClickAsync();
        ILocator job = op.Locator("#jobs tr[data-job]").First;
        await Assertions.Expect(job).ToContainTextAsync("COMPLETED (succeeded)", new() { Timeout = 60_000 });
        Assert.Equal("1", await job.Locator("progress").EvaluateAsync<string>("p => String(p.value)"));
        IDownload download = await op.RunAndWaitForDownloadAsync(() => job.Locator("button", new() { HasText = "Download" }).ClickAsync());
        string saved = Path.Combine(_dir, "download.png");
        await download.SaveAsAsync(saved);
        using (Mat result = Cv2.ImRead(saved), original = Cv2.ImRead(TestAssets.Astronaut), diff = new())
        {
            Cv2.Absdiff(result, original, diff);
            Assert.True(Cv2.Mean(diff[new Rect(180, 80, 80, 90)]).Val0 > 5, "the downloaded picture's face is not blurred");
        }

        // A video job with sound: its MP4 result plays in the page (H.264 that Chromium decodes, from the authenticated download), sound included.
        string clip = SoundClips.Make(_dir, "talk.mp4", 45);
        await op.Locator("#job-file").SetInputFilesAsync(clip);
        await op.Locator("#job-settings").FillAsync("");
        await op.Locator("#job-form button").ClickAsync();
        ILocator videoJob = op.Locator("#jobs tr[data-job]", new() { HasText = "talk.mp4" }).First;
        await Assertions.Expect(videoJob).ToContainTextAsync("COMPLETED (succeeded)", new() { Timeout = 60_000 });
        await videoJob.Locator("button", new() { HasText = "Preview" }).ClickAsync();
        await op.WaitForFunctionAsync("() => { const v = document.querySelector('#job-preview video'); return v && !v.error && v.readyState >= 2 && v.videoWidth === 320; }",
            null, new() { Timeout = 30_000 });
        Assert.True(await op.EvaluateAsync<bool>("() => { const v = document.querySelector('#job-preview video'); return v.duration > 1.4 && v.duration < 1.6; }"), "the preview is not the 45-frame clip");
        await op.Locator("#job-preview video").EvaluateAsync("v => v.play()");
        await op.WaitForFunctionAsync("() => document.querySelector('#job-preview video').currentTime > 0.2", null, new() { Timeout = 30_000 });

        // The viewer sees the job too, without a cancel button.
        await Assertions.Expect(viewer.Locator("#jobs tr[data-job]").First).ToContainTextAsync("COMPLETED");
        Assert.Equal(0, await viewer.Locator("#jobs button", new() { HasText = "Cancel" }).CountAsync());

        // The face library: the operator enrols a face from the page, its thumbnail shows, the
        // viewer sees the person but no form; removal empties the library the filters read.
        Assert.False(await viewer.Locator("#face-form").IsVisibleAsync());
        await op.Locator("#face-name").FillAsync("Grace Hopper");
        await op.Locator("#face-photo").SetInputFilesAsync(TestAssets.GraceHopper);
        await op.Locator("#face-form button").ClickAsync();
        ILocator grace = op.Locator("#faces tr[data-face='Grace Hopper']");
        await Assertions.Expect(grace).ToContainTextAsync("Grace Hopper", new() { Timeout = 60_000 });
        await op.WaitForFunctionAsync("() => { const i = document.querySelector(\"#faces tr[data-face='Grace Hopper'] img\"); return i && i.complete && i.naturalWidth === 96; }");
        await viewer.ReloadAsync();
        await Assertions.Expect(viewer.Locator("#faces tr[data-face='Grace Hopper']")).ToBeVisibleAsync();
        Assert.Equal(0, await viewer.Locator("#faces button:visible").CountAsync());
        using (var library = Aisp.Core.Identities.FaceLibrary.Open(Path.Combine(_dir, "faces.db"), create: false, readOnly: true))
        {
            Assert.Equal(["Grace Hopper"], library.List().Select(r => r.Name));
        }

        await grace.Locator("button", new() { HasText = "Remove" }).ClickAsync();
        await Assertions.Expect(op.Locator("#faces-empty")).ToBeVisibleAsync();
        using (var library = Aisp.Core.Identities.FaceLibrary.Open(Path.Combine(_dir, "faces.db"), create: false, readOnly: true))
        {
            Assert.Empty(library.List());
        }

        // The assistant: a viewer asks (Chinese: "I'm on a laptop, keep it smooth") and reads the reasons, with
        // no Apply button; the operator applies "blur everyone" to the filter and OBS has it.
        Assert.False(await viewer.Locator("#assistant-apply").IsVisibleAsync());
        await viewer.Locator("#assistant-text").FillAsync("我在用笔记本，流畅一点");
        await viewer.Locator("#assistant-suggest").ClickAsync();
        await Assertions.Expect(viewer.Locator("#assistant-choices tr[data-setting=quality]")).ToContainTextAsync("performance");
        Assert.False(await viewer.Locator("#assistant-not-understood").IsVisibleAsync());
        await viewer.Locator("#assistant-text").FillAsync("make me taller");
        await viewer.Locator("#assistant-suggest").ClickAsync();
        await Assertions.Expect(viewer.Locator("#assistant-not-understood")).ToContainTextAsync("What I can do");
        await Assertions.Expect(viewer.Locator("#assistant-not-understood")).ToContainTextAsync("background");
        await op.Locator("#assistant-text").FillAsync("blur everyone");
        await op.Locator("#assistant-filter").SelectOptionAsync(new SelectOptionValue { Label = "Desk / AISP" });
        await op.Locator("#assistant-apply").ClickAsync();
        await Assertions.Expect(op.Locator("#assistant-result")).ToContainTextAsync("applied.");
        Assert.Equal("blur", (string?)(await client.VendorAsync("GetSettings", new JsonObject { ["source"] = "Desk", ["filter"] = "AISP" }, ct))["settings"]!["privacy_mode"]);

        // A filter's settings: a form from the schema with a field for every OBS setting, showing only
        // what applies to the engine chosen, whose change reaches OBS (no raw JSON to edit).
        await op.Locator("#filters tr[data-key='Desk/AISP'] button", new() { HasText = "Settings" }).ClickAsync();
        Aisp.Core.Settings.SettingSpec[] obsSettings = [.. Aisp.Core.Settings.SettingsSchema.All.Where(s => s.InObs)];
        await Assertions.Expect(op.Locator("#settings-form label[data-setting]")).ToHaveCountAsync(obsSettings.Length);
        foreach (Aisp.Core.Settings.SettingSpec spec in obsSettings)
        {
            Assert.Equal(1, await op.Locator($"#settings-form [name='{spec.Key}']").CountAsync());
        }

        Assert.Equal(0, await op.Locator("#settings-editor textarea#settings-text").CountAsync());
        await Assertions.Expect(op.Locator("#settings-form [name=privacy_mode]")).ToHaveValueAsync("blur");
        await Assertions.Expect(op.Locator("#settings-form label[data-setting=retouch]")).ToBeHiddenAsync();
        await op.Locator("#settings-form [name=engine]").SelectOptionAsync("ar");
        await Assertions.Expect(op.Locator("#settings-form label[data-setting=retouch]")).ToBeVisibleAsync();
        await Assertions.Expect(op.Locator("#settings-form label[data-setting=privacy_mode]")).ToBeHiddenAsync();
        await op.Locator("#settings-form [name=engine]").SelectOptionAsync("privacy");
        await op.Locator("#settings-form [name=privacy_strength]").FillAsync("80");
        await op.Locator("#settings-save").ClickAsync();
        await Assertions.Expect(op.Locator("#settings-result")).ToHaveTextAsync("applied");
        JsonNode edited = (await client.VendorAsync("GetSettings", new JsonObject { ["source"] = "Desk", ["filter"] = "AISP" }, ct))["settings"]!;
        Assert.Equal((80, "privacy", "blur"), ((int)edited["privacy_strength"]!, (string?)edited["engine"], (string?)edited["privacy_mode"]));

        // Admin: the users, and a new one added from the page.
        IPage admin = await NewPage();
        await LogIn(admin, Roles.Admin, Password);
        await Assertions.Expect(admin.Locator("#users tbody tr")).ToHaveCountAsync(3);
        await admin.Locator("#user-name").FillAsync("guest");
        await admin.Locator("#user-password").FillAsync("a long enough secret");
        await admin.Locator("#user-form button").ClickAsync();
        await Assertions.Expect(admin.Locator("#users tbody tr")).ToHaveCountAsync(4);
        Assert.Equal("viewer", _app.Services.GetRequiredService<UserStore>().RoleOf("guest"));
    }

    private async Task<IPage> NewPage()
    {
        IBrowserContext context = await _browser.NewContextAsync(new BrowserNewContextOptions { AcceptDownloads = true });
        context.SetDefaultTimeout(20_000);
        IPage page = await context.NewPageAsync();
        await page.GotoAsync(_url);
        return page;
    }

    private static async Task LogIn(IPage page, string user, string password)
    {
        await page.Locator("#login-user").FillAsync(user);
        await page.Locator("#login-password").FillAsync(password);
        await page.Locator("#login-submit").ClickAsync();
    }
}
