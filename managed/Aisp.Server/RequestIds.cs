namespace Aisp.Server;

/// <summary>Gives every request an id (the client's X-Request-Id when it is a sane token, else a new one), echoed in the response header and the log scope.</summary>
public sealed class RequestIds(RequestDelegate next, ILogger<RequestIds> log)
{
    public async Task InvokeAsync(HttpContext context)
    {
        string? given = context.Request.Headers[ApiErrors.RequestIdHeader];
        context.TraceIdentifier = given is { Length: > 0 and <= 64 } && given.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? given : Guid.NewGuid().ToString("N");
        context.Response.Headers[ApiErrors.RequestIdHeader] = context.TraceIdentifier;
        using (log.BeginScope(new Dictionary<string, object> { ["RequestId"] = context.TraceIdentifier }))
        {
            await next(context);
        }
    }
}
