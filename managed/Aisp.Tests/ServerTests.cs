using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Aisp.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aisp.Tests;

/// <summary>The AISP server's API: the seed's roles, tokens, lockout, and its error format on every error path.</summary>
public sealed class ServerTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly string _dir = Directory.CreateTempSubdirectory("aisp-server-").FullName;
    private readonly ConcurrentQueue<string> _log = new();
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    private ServerOptions Options { get; set; } = null!;

    public async Task InitializeAsync() => await Start(TimeSpan.FromMinutes(15));

    private async Task Start(TimeSpan accessLifetime, TimeProvider? clock = null)
    {
        Options = new ServerOptions
        {
            DataDir = _dir, PasswordIterations = 1000, AccessTokenLifetime = accessLifetime, FaceLibraryPath = Path.Combine(_dir, "faces.db"),
            Clock = clock ?? TimeProvider.System,
        };
        _app = await ServerApi.StartInMemoryAsync(Options, Password, b => b.Logging.AddProvider(new CapturingLogger(_log)));
        _http = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Every_endpoint_answers_each_role_as_the_seed_says_with_the_error_format()
    {
        var tokens = new Dictionary<string, string?> { ["none"] = null };
        foreach (string role in Roles.All)
        {
            tokens[role] = (string)(await Login(role, Password))["access_token"]!;
        }

        // Expected status per role: none, viewer, operator, admin.
        (string Method, string Path, JsonObject? Body, int[] Expected)[] matrix =
        [
            ("GET", "/api/v1/auth/me", null, [401, 200, 200, 200]),
            ("GET", "/api/v1/system", null, [401, 200, 200, 200]),
            ("GET", "/api/v1/system/config", null, [401, 403, 403, 200]),
            ("GET", "/api/v1/users", null, [401, 403, 403, 200]),
            ("POST", "/api/v1/users", new JsonObject { ["username"] = "guest", ["password"] = "a long enough secret", ["role"] = "viewer" }, [401, 403, 403, 201]),
            ("DELETE", "/api/v1/users/nobody", null, [401, 403, 403, 404]),
            ("POST", "/api/v1/auth/logout", new JsonObject { ["refresh_token"] = "not a token" }, [401, 400, 400, 400]),
            ("GET", "/api/v1/jobs", null, [401, 200, 200, 200]),
            ("POST", "/api/v1/jobs", new JsonObject { ["path"] = "relative.png" }, [401, 403, 400, 400]),
            ("POST", "/api/v1/jobs", new JsonObject { ["path"] = TestAssets.Astronaut }, [401, 403, 403, 403]), // no --jobs-read folder
            ("POST", "/api/v1/jobs/upload", null, [401, 403, 400, 400]),
            ("GET", "/api/v1/jobs/999", null, [401, 404, 404, 404]),
            ("POST", "/api/v1/jobs/999/cancel", null, [401, 403, 404, 404]),
            ("GET", "/api/v1/jobs/999/result", null, [401, 404, 404, 404]),
            ("DELETE", "/api/v1/jobs/999", null, [401, 403, 404, 404]),
            ("GET", "/api/v1/faces", null, [401, 200, 200, 200]),
            ("GET", "/api/v1/faces/nobody/thumbnail", null, [401, 404, 404, 404]),
            ("POST", "/api/v1/faces", new JsonObject { ["name"] = "not a form" }, [401, 403, 400, 400]),
            ("DELETE", "/api/v1/faces/nobody", null, [401, 403, 404, 404]),
            ("POST", "/api/v1/assistant/suggest", new JsonObject { ["instruction"] = "blur everyone" }, [401, 200, 200, 200]),
            ("POST", "/api/v1/assistant/suggest", new JsonObject { ["instruction"] = "" }, [401, 400, 400, 400]),
            ("POST", "/api/v1/assistant/apply", new JsonObject { ["instruction"] = "blur everyone" }, [401, 403, 400, 400]), // no filter named
            ("GET", "/api/v1/assistant/history", null, [401, 200, 200, 200]),
            ("GET", "/api/v1/events?newest=5", null, [401, 200, 200, 200]),
            ("GET", "/api/v1/metrics", null, [401, 200, 200, 200]),
            ("GET", "/api/v1/settings/schema", null, [401, 200, 200, 200]),
        ];
        foreach ((string method, string path, JsonObject? body, int[] expected) in matrix)
        {
            string[] who = ["none", .. Roles.All];
            for (int i = 0; i < who.Length; i++)
            {
                using HttpResponseMessage r = await Send(method, path, body, tokens[who[i]]);
                Assert.True((int)r.StatusCode == expected[i], $"{method} {path} as {who[i]}: {(int)r.StatusCode}, expected {expected[i]}");
                if (expected[i] >= 400)
                {
                    await AssertError(r);
                }
            }
        }

        // The dashboard's page needs no token (it logs in itself), under a strict content security policy.
        using (HttpResponseMessage page = await Send("GET", "/", null, null))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Contains("/dashboard/app.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await AssertError(await Send("GET", "/dashboard/other.js", null, null), 404);

        // What build answers: version, commit, ABI and ONNX Runtime.
        JsonNode system = await Json(await Send("GET", "/api/v1/system", null, tokens[Roles.Viewer]), 200);
        Assert.Equal(Aisp.Core.BuildInfo.AbiVersion, (uint)system["build"]!["abi"]!);
        Assert.Equal(Aisp.Core.BuildInfo.Version, (string?)system["version"]);

        // The settings schema: every setting the core reads, with its kind and range or choices.
        JsonNode schema = await Json(await Send("GET", "/api/v1/settings/schema", null, tokens[Roles.Viewer]), 200);
        Assert.Equal(Aisp.Core.Settings.SettingsSchema.All.Count, schema["settings"]!.AsArray().Count);
        JsonNode strength = schema["settings"]!.AsArray().Single(s => (string?)s!["key"] == "privacy_strength")!;
        Assert.Equal((1.0, 100.0, "integer"), ((double)strength["min"]!, (double)strength["max"]!, (string?)strength["kind"]));

        // The assistant: "not understood" is an answer (which words, what it can do), and nothing is applied.
        JsonNode weather = await Json(await Send("POST", "/api/v1/assistant/suggest", new JsonObject { ["instruction"] = "make me taller" }, tokens[Roles.Viewer]), 200);
        Assert.Equal("nothing", (string?)weather["understood"]);
        Assert.Equal(["taller"], weather["not_understood"]!.AsArray().Select(w => (string?)w));
        JsonNode partly = await Json(await Send("POST", "/api/v1/assistant/suggest", new JsonObject { ["instruction"] = "背景虚化，再让我变高" }, tokens[Roles.Viewer]), 200);
        Assert.Equal(("partly", "blur"), ((string?)partly["understood"], (string?)partly["settings"]!["background"]));
        Assert.Contains("背景", string.Join(" ", partly["can_do"]!.AsArray().Select(w => (string?)w))); // in the instruction's language

        JsonNode me = JsonNode.Parse(await (await Send("GET", "/api/v1/auth/me", null, tokens[Roles.Operator])).Content.ReadAsStringAsync())!;
        Assert.Equal(["read", "write", "execute"], me["permissions"]!.AsArray().Select(p => (string)p!));
    }

    [Fact]
    public async Task Unknown_paths_wrong_methods_bad_bodies_and_server_failures_use_the_error_format()
    {
        string admin = (string)(await Login(Roles.Admin, Password))["access_token"]!;
        Assert.Equal("NOT_FOUND", (string?)(await AssertError(await Send("GET", "/api/v1/nothing", null, admin), 404))["code"]);
        Assert.Equal("METHOD_NOT_ALLOWED", (string?)(await AssertError(await Send("DELETE", "/api/v1/system", null, admin), 405))["code"]);
        using var bad = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json") };
        Assert.Equal("INVALID_REQUEST", (string?)(await AssertError(await _http.SendAsync(bad), 400))["code"]);

        // A request id the client sends is the one the error, the header and the log carry.
        using var tagged = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users");
        tagged.Headers.Add(ApiErrors.RequestIdHeader, "qa-run-42");
        JsonNode unauthorised = await AssertError(await _http.SendAsync(tagged), 401);
        Assert.Equal("qa-run-42", (string?)unauthorised["request_id"]);

        // The database vanishing under the server is an internal error, in the format, with the id in the log.
        File.Delete(Options.DatabasePath);
        JsonNode failed = await AssertError(await Send("GET", "/api/v1/users", null, admin), 500);
        Assert.Equal("INTERNAL_ERROR", (string?)failed["code"]);
        Assert.Contains(_log, line => line.Contains((string)failed["request_id"]!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tokens_expire_refresh_tokens_rotate_and_logout_revokes()
    {
        await _app.DisposeAsync();
        var clock = new ManualClock();
        await Start(TimeSpan.FromSeconds(1), clock);
        JsonNode login = await Login(Roles.Viewer, Password);
        string access = (string)login["access_token"]!, refresh = (string)login["refresh_token"]!;
        Assert.Equal(1, (int)login["expires_in"]!);
        clock.Now += TimeSpan.FromMilliseconds(900); // however long the machine took, the token is 0.9 s old
        Assert.Equal(HttpStatusCode.OK, (await Send("GET", "/api/v1/auth/me", null, access)).StatusCode);
        clock.Now += TimeSpan.FromMilliseconds(100);
        Assert.Equal("UNAUTHORIZED", (string?)(await AssertError(await Send("GET", "/api/v1/auth/me", null, access), 401))["code"]);

        JsonNode renewed = await Json(await Send("POST", "/api/v1/auth/refresh", new JsonObject { ["refresh_token"] = refresh }, null), 200);
        Assert.NotEqual(refresh, (string?)renewed["refresh_token"]);
        Assert.Equal(HttpStatusCode.OK, (await Send("GET", "/api/v1/auth/me", null, (string)renewed["access_token"]!)).StatusCode);
        Assert.Equal("INVALID_REFRESH_TOKEN", (string?)(await AssertError(await Send("POST", "/api/v1/auth/refresh", new JsonObject { ["refresh_token"] = refresh }, null), 401))["code"]);

        // Replaying the used token revoked its whole family (issue 27), the renewed token included.
        await AssertError(await Send("POST", "/api/v1/auth/refresh", new JsonObject { ["refresh_token"] = (string)renewed["refresh_token"]! }, null), 401);

        JsonNode again = await Login(Roles.Viewer, Password);
        string current = (string)again["refresh_token"]!;
        Assert.Equal(HttpStatusCode.NoContent, (await Send("POST", "/api/v1/auth/logout", new JsonObject { ["refresh_token"] = current }, (string)again["access_token"]!)).StatusCode);
        await AssertError(await Send("POST", "/api/v1/auth/refresh", new JsonObject { ["refresh_token"] = current }, null), 401);

        // Nothing secret reaches the log: no password, no token.
        Assert.DoesNotContain(_log, l => l.Contains(Password, StringComparison.Ordinal) || l.Contains(refresh, StringComparison.Ordinal) || l.Contains(access, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Oversized_or_unshowable_names_are_refused_before_anything_is_kept()
    {
        string huge = new('x', 100_000);
        Assert.Equal("INVALID_REQUEST", (string?)(await AssertError(await Send("POST", "/api/v1/auth/login", Credentials(huge, "wrong"), null), 400))["code"]);
        Assert.DoesNotContain(_log, l => l.Contains(huge[..1000], StringComparison.Ordinal)); // never logged
        string admin = (string)(await Login(Roles.Admin, Password))["access_token"]!;
        foreach (string name in new[] { huge, "a/b", "line\nbreak", "nul\u0000", " padded " })
        {
            var body = new JsonObject { ["username"] = System.Text.RegularExpressions.Regex.Unescape(name), ["password"] = "a long enough secret", ["role"] = "viewer" };
            Assert.Equal("INVALID_REQUEST", (string?)(await AssertError(await Send("POST", "/api/v1/users", body, admin), 400))["code"]);
        }
    }

    [Fact]
    public async Task Repeated_failed_logins_lock_the_account_and_floods_are_rate_limited()
    {
        for (int i = 0; i < Options.FailuresBeforeLockout; i++)
        {
            Assert.Equal("INVALID_CREDENTIALS", (string?)(await AssertError(await Send("POST", "/api/v1/auth/login", Credentials(Roles.Operator, "wrong"), null), 401))["code"]);
        }

        using HttpResponseMessage locked = await Send("POST", "/api/v1/auth/login", Credentials(Roles.Operator, Password), null);
        Assert.Equal("LOGIN_LOCKED", (string?)(await AssertError(locked, 429))["code"]);
        Assert.True(locked.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(4), "no Retry-After");
        Assert.NotNull(await Login(Roles.Viewer, Password)); // another account is not locked

        string last = "";
        for (int i = 0; i < ServerApp.LoginRequestsPerMinute && last != "RATE_LIMITED"; i++)
        {
            using HttpResponseMessage r = await Send("POST", "/api/v1/auth/login", Credentials("nobody", "x"), null);
            last = (string)(await AssertError(r))["code"]!;
        }

        Assert.Equal("RATE_LIMITED", last);
    }

    [Fact]
    public void Secrets_are_private_the_key_survives_restarts_and_the_first_admin_comes_from_the_command_line()
    {
        Assert.Equal("http://127.0.0.1:8765", ServerOptions.DefaultUrl); // loopback unless told otherwise
        Assert.True(new ServerOptions().PasswordIterations >= 600_000, "the KDF is not slow enough");
        foreach (string file in new[] { Options.DatabasePath, Options.SigningKeyPath })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, OperatingSystem.IsWindows() ? 0 : File.GetUnixFileMode(file));
        }

        byte[] key = SigningKey.LoadOrCreate(Options.SigningKeyPath);
        Assert.Equal(key, SigningKey.LoadOrCreate(Options.SigningKeyPath));

        string data = Path.Combine(_dir, "cli");
        Assert.Equal((0, ""), Serve(data, "root", "a long admin secret"));
        Assert.Equal(2, Serve(data, "root", "a long admin secret").Code); // exists
        Assert.Equal(2, Serve(data, "second", "short").Code);
        var store = new UserStore(new ServerOptions { DataDir = data });
        Assert.Equal("admin", store.Check("root", "a long admin secret"));
    }

    private static (int Code, string Stdout) Serve(string data, string name, string password)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "aisp.dll"), "serve", "--create-admin", name, "--data", data })
        {
            info.ArgumentList.Add(a);
        }

        using Process p = Process.Start(info)!;
        p.StandardInput.WriteLine(password);
        p.StandardInput.Close();
        string stdout = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout);
    }

    private static JsonObject Credentials(string user, string password) => new() { ["username"] = user, ["password"] = password };

    private Task<JsonNode> Login(string user, string password) => new ServerApi(_http).Login(user, password);

    private Task<HttpResponseMessage> Send(string method, string path, JsonObject? body, string? token) => new ServerApi(_http).Send(method, path, body, token);

    private static Task<JsonNode> Json(HttpResponseMessage r, int status) => ServerApi.Json(r, status);

    /// <summary>Checks the seed's error format (and the request id header); returns the "error" object.</summary>
    private static async Task<JsonNode> AssertError(HttpResponseMessage r, int status = 0)
    {
        string text = await r.Content.ReadAsStringAsync();
        Assert.True(status == 0 || (int)r.StatusCode == status, $"{(int)r.StatusCode}, expected {status}: {text}");
        JsonNode error = JsonNode.Parse(text)?["error"] ?? throw new Xunit.Sdk.XunitException($"{(int)r.StatusCode} without the error format: '{text}'");
        foreach (string field in new[] { "code", "message", "timestamp", "request_id" })
        {
            Assert.False(string.IsNullOrEmpty((string?)error[field]), $"error.{field} missing in {text}");
        }

        Assert.False(string.IsNullOrEmpty((string?)error["details"]!["reason"]));
        Assert.False(string.IsNullOrEmpty((string?)error["details"]!["suggestion"]));
        Assert.True(DateTimeOffset.TryParse((string?)error["timestamp"], out _));
        Assert.Equal(r.Headers.GetValues(ApiErrors.RequestIdHeader).Single(), (string?)error["request_id"]);
        return error;
    }

    private sealed class CapturingLogger(ConcurrentQueue<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lines.Enqueue($"scope {string.Join(",", state is IEnumerable<KeyValuePair<string, object>> kv ? kv.Select(p => $"{p.Key}={p.Value}") : [state.ToString() ?? ""])}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception.Message));

        public void Dispose()
        {
        }
    }
}
