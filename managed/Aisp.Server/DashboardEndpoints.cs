using System.Reflection;

namespace Aisp.Server;

/// <summary>
/// The dashboard: three static files built into the server (no build step for the user, nothing
/// fetched from elsewhere), served at / with a strict content security policy. It logs in and
/// talks to the same /api/v1 as any client, so a role sees and may do exactly what its API allows.
/// </summary>
public static class DashboardEndpoints
{
    private const string Policy = "default-src 'self'; img-src 'self' blob: data:; media-src blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static readonly Dictionary<string, (byte[] Body, string Type)> Files = Load();

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext c) => Serve(c, "index.html")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/dashboard/{file}", (string file, HttpContext c) => Files.ContainsKey(file) ? Serve(c, file) : Results.NotFound())
            .AllowAnonymous().ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext c, string name)
    {
        (byte[] body, string type) = Files[name];
        c.Response.Headers.ContentSecurityPolicy = Policy;
        c.Response.Headers.XContentTypeOptions = "nosniff";
        c.Response.Headers.CacheControl = "no-cache";
        return Results.Bytes(body, type);
    }

    private static Dictionary<string, (byte[], string)> Load()
    {
        Assembly assembly = typeof(DashboardEndpoints).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (string name in (string[])["index.html", "app.js", "app.css"])
        {
            using Stream stream = assembly.GetManifestResourceStream("Dashboard/" + name) ?? throw new InvalidOperationException($"dashboard file {name} is not built in");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            string type = Path.GetExtension(name) switch { ".html" => "text/html; charset=utf-8", ".js" => "text/javascript; charset=utf-8", _ => "text/css; charset=utf-8" };
            files[name] = (copy.ToArray(), type);
        }

        return files;
    }
}
