using System.Net;

namespace Aisp.Server;

/// <summary>
/// DNS rebinding guard: a server bound to loopback only answers requests addressed to a loopback
/// name, so a web page whose domain the attacker repoints at 127.0.0.1 cannot drive the API from
/// the user's browser. A server bound to other addresses was exposed on purpose and takes any host.
/// </summary>
public sealed class LoopbackHosts(RequestDelegate next, ServerOptions options)
{
    private readonly bool _loopbackOnly = options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .All(u => Uri.TryCreate(u, UriKind.Absolute, out Uri? uri) && IsLoopback(uri.Host));

    public Task InvokeAsync(HttpContext context) =>
        !_loopbackOnly || IsLoopback(context.Request.Host.Host)
            ? next(context)
            : ApiErrors.Write(context, 421, "MISDIRECTED_REQUEST", $"this server does not answer for host '{Shorten(context.Request.Host.Host)}'",
                "the server listens on loopback only, and the request was addressed to another name (a DNS rebinding attempt, or a proxy)",
                "address it as 127.0.0.1 or localhost, or bind the server to another address with --urls");

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? ip) && IPAddress.IsLoopback(ip));

    private static string Shorten(string host) => host.Length <= 64 ? host : host[..64] + "…";
}
