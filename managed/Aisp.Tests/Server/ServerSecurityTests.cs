using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Aisp.Core;
using Aisp.Server;
using Aisp.Server.Obs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Aisp.Tests;

/// <summary>Issue 27's defects, each against a running server: HTTPS, stale tokens, token families, rebinding, OBS down.</summary>
public sealed class ServerSecurityTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly string _dir = Directory.CreateTempSubdirectory("aisp-security-").FullName;
    private WebApplication _app = null!;
    private ServerApi _api = null!;

    public async Task InitializeAsync()
    {
        _app = await ServerApi.StartInMemoryAsync(new ServerOptions { DataDir = _dir, PasswordIterations = 1000, FaceLibraryPath = Path.Combine(_dir, "faces.db") }, Password);
        _api = new ServerApi(_app.GetTestClient());
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Https_serves_pfx_protected_pfx_and_pem_certificates_and_refuses_mismatched_addresses()
    {
        using RSA rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        string pfx = Path.Combine(_dir, "plain.pfx"), locked = Path.Combine(_dir, "locked.pfx"), pem = Path.Combine(_dir, "both.pem");
        string certPem = Path.Combine(_dir, "cert.pem"), keyPem = Path.Combine(_dir, "key.pem"), encryptedKey = Path.Combine(_dir, "key.enc.pem");
        File.WriteAllBytes(pfx, self.Export(X509ContentType.Pkcs12));
        File.WriteAllBytes(locked, self.Export(X509ContentType.Pkcs12, "pfx secret"));
        File.WriteAllText(certPem, self.ExportCertificatePem());
        File.WriteAllText(keyPem, rsa.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(pem, self.ExportCertificatePem() + "\n" + rsa.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(encryptedKey, rsa.ExportEncryptedPkcs8PrivateKeyPem("pem secret", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)));

        (string Cert, string? Key, string? Secret)[] cases = [(pfx, null, null), (locked, null, "pfx secret"), (pem, null, null), (certPem, keyPem, null), (certPem, encryptedKey, "pem secret")];
        foreach ((string cert, string? key, string? secret) in cases)
        {
            var options = new ServerOptions
            {
                DataDir = Path.Combine(_dir, "https"), PasswordIterations = 1000, Urls = "https://127.0.0.1:0",
                CertificatePath = cert, CertificateKeyPath = key, CertificatePassword = secret,
            };
            await using WebApplication app = ServerApp.Build(options);
            await app.StartAsync();
            string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            Assert.StartsWith("https://", url, StringComparison.Ordinal);
            string? seen = null;
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, presented, _, _) => (seen = presented?.Thumbprint) == self.Thumbprint, // pinned: only this certificate passes
            };
            using var http = new HttpClient(handler) { BaseAddress = new Uri(url) };
            using HttpResponseMessage page = await http.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal(self.Thumbprint, seen);
            Assert.Equal("INVALID_CREDENTIALS", (string?)(await ServerApi.Json(await new ServerApi(http).Send("POST", "/api/v1/auth/login",
                new JsonObject { ["username"] = "nobody", ["password"] = "wrong" }, null), 401))["error"]!["code"]);
        }

        // A certificate with an http:// address would serve plain text; an https:// address without one cannot serve at all.
        var plain = new ServerOptions { DataDir = Path.Combine(_dir, "https"), Urls = "http://127.0.0.1:0", CertificatePath = pfx };
        Assert.Contains("plain text", Assert.Throws<AispException>(() => ServerApp.Build(plain)).Message, StringComparison.Ordinal);
        Assert.Contains("needs a certificate", Assert.Throws<AispException>(() => ServerApp.Build(plain with { Urls = "https://127.0.0.1:0", CertificatePath = null })).Message, StringComparison.Ordinal);
        // A wrong password, a key-less certificate, garbage: a clear refusal naming the file, never an internal error.
        Assert.Contains("AISP_CERT_PASSWORD", Assert.Throws<AispException>(() => ServerCertificate.Load(locked, null, "wrong")).Message, StringComparison.Ordinal);
        Assert.Contains("no private key", Assert.Throws<AispException>(() => ServerCertificate.Load(certPem, null, null)).Message, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_dir, "junk.pfx"), "not a certificate");
        Assert.Contains("junk.pfx", Assert.Throws<AispException>(() => ServerCertificate.Load(Path.Combine(_dir, "junk.pfx"), null, null)).Message, StringComparison.Ordinal);

        // The real `aisp serve` process over HTTPS (PEM with its key beside): pinned certificate, nosniff, DNS rebinding refused.
        int port = FakeObs.FreePort();
        var serve = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "aisp.dll"), "serve", "--data", Path.Combine(_dir, "served"), "--urls", $"https://127.0.0.1:{port}", "--cert", certPem, "--cert-key", keyPem })
        {
            serve.ArgumentList.Add(a);
        }

        using (System.Diagnostics.Process server = System.Diagnostics.Process.Start(serve)!)
        {
            try
            {
                var listening = new TaskCompletionSource();
                server.OutputDataReceived += (_, e) => { if (e.Data?.Contains("Now listening on", StringComparison.Ordinal) == true) { listening.TrySetResult(); } };
                server.BeginOutputReadLine();
                Task<string> errors = server.StandardError.ReadToEndAsync();
                await Task.WhenAny(listening.Task, server.WaitForExitAsync()).WaitAsync(TimeSpan.FromMinutes(1));
                Assert.True(listening.Task.IsCompleted, $"aisp serve did not listen: {(server.HasExited ? await errors : "")}");
                using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == self.Thumbprint };
                using var http = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}") };
                using HttpResponseMessage page = await http.GetAsync("/");
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
                using var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/v1/system");
                rebound.Headers.Host = "attacker.example";
                Assert.Equal((HttpStatusCode)421, (await http.SendAsync(rebound)).StatusCode);
            }
            finally
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }

        // The CLI says so and exits with the usage code before listening.
        (int code, _, string err) = CliTests.RunCli(["serve", "--data", Path.Combine(_dir, "cli"), "--urls", "http://127.0.0.1:0", "--cert", pfx]);
        Assert.Equal(2, code);
        Assert.Contains("plain text", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleted_or_demoted_users_lose_access_at_once_and_the_last_admin_stays()
    {
        var users = _app.Services.GetRequiredService<UserStore>();
        users.Add("second-admin", Password, Roles.Admin);
        string second = (string)(await _api.Login("second-admin", Password))["access_token"]!;
        string admin = (string)(await _api.Login(Roles.Admin, Password))["access_token"]!;
        string operatorToken = (string)(await _api.Login(Roles.Operator, Password))["access_token"]!;

        // A deleted admin's unexpired token creates nothing.
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Send("DELETE", "/api/v1/users/second-admin", null, admin)).StatusCode);
        var mallory = new JsonObject { ["username"] = "mallory", ["password"] = "a long enough secret", ["role"] = "admin" };
        Assert.Equal("UNAUTHORIZED", (string?)(await ServerApi.Json(await _api.Send("POST", "/api/v1/users", mallory, second), 401))["error"]!["code"]);
        Assert.Null(users.RoleOf("mallory"));

        // A demoted operator's token no longer writes or even reads with its old role.
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Send("PATCH", $"/api/v1/users/{Roles.Operator}", new JsonObject { ["role"] = Roles.Viewer }, admin)).StatusCode);
        await ServerApi.Json(await _api.Send("POST", "/api/v1/jobs", new JsonObject { ["path"] = "x.png" }, operatorToken), 401);
        string demoted = (string)(await _api.Login(Roles.Operator, Password))["access_token"]!;
        Assert.Equal("FORBIDDEN", (string?)(await ServerApi.Json(await _api.Send("POST", "/api/v1/jobs", new JsonObject { ["path"] = "x.png" }, demoted), 403))["error"]!["code"]);

        // The last admin can neither delete nor demote itself.
        Assert.Equal("LAST_ADMIN", (string?)(await ServerApi.Json(await _api.Send("DELETE", $"/api/v1/users/{Roles.Admin}", null, admin), 409))["error"]!["code"]);
        Assert.Equal("LAST_ADMIN", (string?)(await ServerApi.Json(await _api.Send("PATCH", $"/api/v1/users/{Roles.Admin}", new JsonObject { ["role"] = Roles.Viewer }, admin), 409))["error"]!["code"]);
        Assert.Equal(Roles.Admin, users.RoleOf(Roles.Admin));
        await ServerApi.Json(await _api.Send("PATCH", "/api/v1/users/nobody", new JsonObject { ["role"] = Roles.Viewer }, admin), 404);
        await ServerApi.Json(await _api.Send("PATCH", $"/api/v1/users/{Roles.Viewer}", new JsonObject { ["role"] = "root" }, admin), 400);
        await ServerApi.Json(await _api.Send("PATCH", $"/api/v1/users/{Roles.Viewer}", new JsonObject { ["role"] = Roles.Operator }, demoted), 403);
    }

    [Fact]
    public async Task A_reused_refresh_token_revokes_its_family_and_logout_cannot_revoke_anothers()
    {
        JsonNode login = await _api.Login(Roles.Viewer, Password);
        string stolen = (string)login["refresh_token"]!;
        JsonNode rotated = await ServerApi.Json(await _api.Send("POST", "/api/v1/auth/refresh", new JsonObject { ["refresh_token"] = stolen }, null), 200);
        string current = (string)rotated["refresh_token"]!;
        JsonNode other = await _api.Login(Roles.Viewer, Password); // another login (another device): its own family

        // The thief replays the first token: refused, and the user's current token of that login dies with it.
        await ServerApi.Json(await _api.Send("POST", "/api/v1/auth/refresh", new JsonObject { ["refresh_token"] = stolen }, null), 401);
        await ServerApi.Json(await _api.Send("POST", "/api/v1/auth/refresh", new JsonObject { ["refresh_token"] = current }, null), 401);
        JsonNode stillIn = await ServerApi.Json(await _api.Send("POST", "/api/v1/auth/refresh", new JsonObject { ["refresh_token"] = (string)other["refresh_token"]! }, null), 200);

        // Logging out with someone else's refresh token neither succeeds nor revokes it.
        string operatorToken = (string)(await _api.Login(Roles.Operator, Password))["access_token"]!;
        string victims = (string)stillIn["refresh_token"]!;
        await ServerApi.Json(await _api.Send("POST", "/api/v1/auth/logout", new JsonObject { ["refresh_token"] = victims }, operatorToken), 400);
        await ServerApi.Json(await _api.Send("POST", "/api/v1/auth/refresh", new JsonObject { ["refresh_token"] = victims }, null), 200);
    }

    [Fact]
    public async Task Unknown_users_cost_what_known_ones_do()
    {
        // Counted in PBKDF2 rounds, the work that sets a login's time, so a busy machine cannot blur it;
        // before, an unknown name cost two hashes. The dummy hash is made once, on the first unknown name.
        const int Iterations = 200_000;
        var users = new UserStore(new ServerOptions { DataDir = _dir, PasswordIterations = Iterations });
        users.Add("timed", Password, Roles.Viewer);
        Assert.Null(users.Check("someone-first", "wrong password"));
        long Rounds(string name)
        {
            long before = PasswordHasher.RoundsOnThisThread;
            Assert.Null(users.Check(name, "wrong password"));
            return PasswordHasher.RoundsOnThisThread - before;
        }

        Assert.Equal(Iterations, Rounds("timed"));
        Assert.Equal(Iterations, Rounds("nobody-at-all"));
        Assert.Equal(Iterations, Rounds("nobody-else"));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Every_response_says_nosniff_and_a_loopback_server_refuses_other_host_names()
    {
        foreach (string path in new[] { "/", "/api/v1/nothing", "/api/v1/users", "/dashboard/app.js" })
        {
            using HttpResponseMessage r = await _api.Send("GET", path, null, null);
            Assert.True(r.Headers.TryGetValues("X-Content-Type-Options", out IEnumerable<string>? v) && v.Single() == "nosniff", $"{path}: no nosniff");
        }

        // DNS rebinding: evil.example resolved to 127.0.0.1 still sends its own name.
        using var rebound = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = System.Net.Http.Json.JsonContent.Create(new { username = Roles.Admin, password = Password }) };
        rebound.Headers.Host = "evil.example:8765";
        using HttpResponseMessage refused = await _app.GetTestClient().SendAsync(rebound);
        Assert.Equal("MISDIRECTED_REQUEST", (string?)(await ServerApi.Json(refused, 421))["error"]!["code"]);
        foreach (string host in new[] { "localhost:8765", "127.0.0.1", "[::1]:8765" })
        {
            using var fine = new HttpRequestMessage(HttpMethod.Get, "/");
            fine.Headers.Host = host;
            Assert.Equal(HttpStatusCode.OK, (await _app.GetTestClient().SendAsync(fine)).StatusCode);
        }
    }

    [Fact]
    public async Task While_obs_is_down_calls_answer_at_once_and_the_server_reconnects_in_the_background()
    {
        int port = FakeObs.FreePort();
        var options = new ServerOptions
        {
            DataDir = Path.Combine(_dir, "down"), PasswordIterations = 1000, ObsUrl = new Uri($"ws://127.0.0.1:{port}"),
            ObsRetryBase = TimeSpan.FromMilliseconds(100), ObsRetryMax = TimeSpan.FromMilliseconds(400),
        };
        await using WebApplication down = ServerApp.Build(options, b => b.WebHost.UseTestServer());
        await down.StartAsync();
        down.Services.GetRequiredService<UserStore>().Add(Roles.Viewer, Password, Roles.Viewer);
        var api = new ServerApi(down.GetTestClient());
        string token = (string)(await api.Login(Roles.Viewer, Password))["access_token"]!;

        // Eight calls at once: each answers 503 after at most one connection attempt, none waits for another's retries.
        Task<HttpResponseMessage>[] calls = [.. Enumerable.Range(0, 8).Select(i => api.Send("GET", i % 2 == 0 ? "/api/v1/filters" : "/api/v1/metrics", null, token))];
        HttpResponseMessage[] answers = await Task.WhenAll(calls);
        foreach (HttpResponseMessage r in answers.Where((_, i) => i % 2 == 0))
        {
            Assert.Equal("OBS_UNAVAILABLE", (string?)(await ServerApi.Json(r, 503))["error"]!["code"]);
        }

        foreach (HttpResponseMessage r in answers.Where((_, i) => i % 2 == 1))
        {
            Assert.StartsWith("unavailable", (string?)(await ServerApi.Json(r, 200))["obs"], StringComparison.Ordinal); // the machine's numbers still come
        }

        // OBS comes up: the background loop finds it without any request asking.
        using var obs = new FakeObs(port);
        await down.Services.GetRequiredService<ObsBridge>().WhenConnectedAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Empty((await ServerApi.Json(await api.Send("GET", "/api/v1/filters", null, token), 200))["filters"]!.AsArray());
    }
}
