using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aisp.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Aisp.Tests;

/// <summary>The server tests' client: requests with an optional bearer token, JSON answers of an expected status, logins.</summary>
internal sealed class ServerApi(HttpClient http)
{
    public async Task<HttpResponseMessage> Send(string method, string path, JsonObject? body, string? token)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request);
    }

    /// <summary>A multipart form: the text fields in order, then the file as part <paramref name="fileField"/> under its own name.</summary>
    public async Task<HttpResponseMessage> SendForm(string path, IEnumerable<(string Name, string Value)> fields, string fileField, string file, string? token)
    {
        using var form = new MultipartFormDataContent();
        foreach ((string name, string value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        var content = new ByteArrayContent(await File.ReadAllBytesAsync(file));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, fileField, Path.GetFileName(file));
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request);
    }

    public static async Task<JsonNode> Json(HttpResponseMessage r, int status)
    {
        string text = await r.Content.ReadAsStringAsync();
        Assert.True((int)r.StatusCode == status, $"{(int)r.StatusCode}, expected {status}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>The server on a free loopback port, for clients outside this process (a browser, the CLI), with one user per role named after it.</summary>
    public static async Task<(WebApplication App, string Url)> StartOnLoopbackAsync(ServerOptions options, string password)
    {
        WebApplication app = ServerApp.Build(options with { Urls = "http://127.0.0.1:0" });
        await app.StartAsync();
        string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        AddRoleUsers(app, password);
        return (app, url);
    }

    /// <summary>The server in memory (the test host), with one user per role named after it.</summary>
    public static async Task<WebApplication> StartInMemoryAsync(ServerOptions options, string password, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplication app = ServerApp.Build(options, b =>
        {
            b.WebHost.UseTestServer();
            configure?.Invoke(b);
        });
        await app.StartAsync();
        AddRoleUsers(app, password);
        return app;
    }

    private static void AddRoleUsers(WebApplication app, string password)
    {
        var users = app.Services.GetRequiredService<UserStore>();
        foreach (string role in Roles.All)
        {
            users.Add(role, password, role);
        }
    }

    /// <summary>Logs in; returns the whole answer (access and refresh tokens, role, permissions).</summary>
    public async Task<JsonNode> Login(string user, string password) =>
        await Json(await Send("POST", "/api/v1/auth/login", new JsonObject { ["username"] = user, ["password"] = password }, null), 200);
}
