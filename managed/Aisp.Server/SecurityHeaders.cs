namespace Aisp.Server;

/// <summary>
/// Headers every response carries, errors included: set when the response starts, so the
/// exception handler's cleared response gets them too.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff"; // a job result is never run as a script or page by a browser's guess
            return Task.CompletedTask;
        });
        return next(context);
    }
}
