using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.IdentityModel.Tokens;

namespace Aisp.Server;

/// <summary>Builds and runs the AISP server: its own process, loopback by default, HTTPS with a user certificate.</summary>
public static class ServerApp
{
    public const string LoginLimit = "login";

    /// <summary>Login and refresh requests one client address may send per minute, before the per-user lockout even counts.</summary>
    public const int LoginRequestsPerMinute = 30;

    /// <param name="configure">Lets tests swap the host (an in-memory test server) before it is built.</param>
    public static WebApplication Build(ServerOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(ServerApp).Assembly.GetName().Name });
        if (ServerCertificate.Mismatch(options.Urls, options.CertificatePath is not null) is { } mismatch)
        {
            throw new Aisp.Core.AispException(Aisp.Core.ErrorKind.InvalidArgument, mismatch);
        }

        builder.WebHost.UseUrls(options.Urls);
        if (options.CertificatePath is not null)
        {
            // The slim builder leaves HTTPS out until asked for.
            X509Certificate2 certificate = ServerCertificate.Load(options.CertificatePath, options.CertificateKeyPath, options.CertificatePassword);
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => h.ServerCertificate = certificate));
        }

        var users = new UserStore(options);
        users.EnsureCreated();
        var history = new Events.EventHistory(options);
        history.EnsureCreated();
        var jobs = new Jobs.JobStore(options);
        jobs.EnsureCreated();
        var keeper = new DatabaseKeeper(options);
        var key = new SymmetricSecurityKey(SigningKey.LoadOrCreate(options.SigningKeyPath));
        var tokens = new TokenService(options, users, key);
        builder.Services.AddSingleton(_ => keeper).AddSingleton(options).AddSingleton(users).AddSingleton(tokens).AddSingleton(options.Clock).AddSingleton<LoginThrottle>()
            .AddSingleton<Obs.ObsBridge>().AddSingleton(history).AddSingleton<Events.EventHub>()
            .AddSingleton<Events.ObsEventListener>().AddHostedService(sp => sp.GetRequiredService<Events.ObsEventListener>())
            .AddSingleton(jobs).AddSingleton<Jobs.JobScheduler>().AddHostedService(sp => sp.GetRequiredService<Jobs.JobScheduler>())
            .AddSingleton(new Aisp.Core.Control.SystemLoad()).AddSingleton<Metrics.ServerAlerts>().AddHostedService(sp => sp.GetRequiredService<Metrics.ServerAlerts>())
            .AddSingleton<Metrics.PrometheusMetrics>().AddSingleton<Faces.FaceEnroller>()
            .AddSingleton<Assistant.AssistantService>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        // ASP.NET Core's data-protection keys (form antiforgery) live with the server's other data,
        // not in ~/.aspnet, so removing AISP and its data leaves nothing behind.
        builder.Services.AddDataProtection().SetApplicationName("aisp")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(options.DataDir, "keys")));
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = tokens.Validation();

            });
        builder.Services.AddAuthorization(o =>
        {
            foreach (string permission in Roles.Permissions(Roles.Admin))
            {
                o.AddPolicy(permission, p => p.RequireAuthenticatedUser().RequireClaim(TokenService.PermissionClaim, permission));
            }
        });
        builder.Services.AddRateLimiter(o =>
        {
            o.AddPolicy(LoginLimit, context => RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "?",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = LoginRequestsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.OnRejected = (rejected, _) => new ValueTask(ApiErrors.Write(rejected.HttpContext, 429, "RATE_LIMITED", "too many login requests from this address",
                $"more than {LoginRequestsPerMinute} login or refresh requests in a minute", "wait a minute and try again"));
        });
        builder.Services.AddOpenApi("v1");
        configure?.Invoke(builder);

        WebApplication app = builder.Build();
        app.UseMiddleware<RequestIds>();
        app.UseMiddleware<SecurityHeaders>();
        app.UseExceptionHandler(failed => failed.Run(context =>
        {
            context.RequestServices.GetRequiredService<ILogger<RequestIds>>().LogError("Request {RequestId} failed", context.TraceIdentifier);
            context.Response.Headers[ApiErrors.RequestIdHeader] = context.TraceIdentifier; // the handler cleared the response
            if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error is { } error && DiskFull.Is(error))
            {
                return DiskFull.Answer(context).ExecuteAsync(context);
            }

            return ApiErrors.Write(context, 500, "INTERNAL_ERROR", "the server failed to answer", "an unexpected error inside the server (it is in the server log)",
                "try again; if it persists, report the request id");
        }));
        app.UseStatusCodePages(pages => ApiErrors.ForStatus(pages.HttpContext));
        app.UseMiddleware<LoopbackHosts>();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.Use((context, next) =>
        {
            // Here rather than in the bearer's events, so a database failure is a 500, not a 401.
            if (context.User.Identity?.IsAuthenticated == true && tokens.StaleReason(context.User) is { } stale)
            {
                context.RequestServices.GetRequiredService<ILogger<TokenService>>().LogInformation("Token of {User} refused: {Why}", context.User.Identity.Name, stale);
                context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
            }

            return next(context);
        });
        app.UseAuthorization();
        app.MapOpenApi("/api/{documentName}/openapi.json");
        DashboardEndpoints.Map(app);
        RouteGroupBuilder api = app.MapGroup("/api/v1");
        AuthEndpoints.Map(api);
        UserEndpoints.Map(api);
        SystemEndpoints.Map(api);
        FilterEndpoints.Map(api);
        EventEndpoints.Map(api);
        JobEndpoints.Map(api);
        FaceEndpoints.Map(api);
        AssistantEndpoints.Map(api);
        SettingsEndpoints.Map(api);
        MetricsEndpoints.Map(api, app.Services.GetRequiredService<Metrics.PrometheusMetrics>());
        if (!users.AnyAdmin())
        {
            app.Logger.LogWarning("No admin yet: create one with `aisp serve --create-admin NAME` (the password is read from standard input)");
        }

        return app;
    }

    /// <summary>Adds an admin from the command line (no default password exists anywhere); false when the name is taken.</summary>
    public static bool CreateAdmin(ServerOptions options, string name, string password)
    {
        if (password.Length < UserEndpoints.MinPasswordLength)
        {
            throw new ArgumentException($"the password needs at least {UserEndpoints.MinPasswordLength} characters");
        }

        if (CredentialRules.NameProblem(name) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        var users = new UserStore(options);
        users.EnsureCreated();
        return users.Add(name, password, Roles.Admin);
    }
}
