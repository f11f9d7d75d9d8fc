using System.Security.Claims;

namespace Aisp.Server;

public sealed record LoginRequest(string? Username, string? Password);

public sealed record RefreshRequest(string? RefreshToken);

/// <summary>/api/v1/auth: login (rate-limited, lockout after repeated failures), refresh (rotating), logout (revokes), me.</summary>
public static class AuthEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        RouteGroupBuilder auth = api.MapGroup("/auth");
        auth.MapPost("/login", Login).AllowAnonymous().RequireRateLimiting(ServerApp.LoginLimit);
        auth.MapPost("/refresh", Refresh).AllowAnonymous().RequireRateLimiting(ServerApp.LoginLimit);
        auth.MapPost("/logout", Logout).RequireAuthorization(Roles.Read);
        auth.MapGet("/me", (ClaimsPrincipal user) => Results.Json(new
        {
            username = user.Identity!.Name,
            role = user.FindFirstValue(ClaimTypes.Role),
            permissions = user.FindAll(TokenService.PermissionClaim).Select(c => c.Value),
        })).RequireAuthorization(Roles.Read);
    }

    private static IResult Login(LoginRequest body, HttpContext context, UserStore users, TokenService tokens, LoginThrottle throttle, ILogger<LoginRequest> log)
    {
        if (string.IsNullOrEmpty(body.Username) || string.IsNullOrEmpty(body.Password))
        {
            return ApiErrors.Result(context, 400, "INVALID_REQUEST", "'username' and 'password' are required", "the login body lacks them", "send {\"username\":\"...\",\"password\":\"...\"}");
        }

        if (body.Username.Length > CredentialRules.MaxUserNameLength || body.Password.Length > CredentialRules.MaxPasswordLength)
        {
            // Before any state or log line: a megabyte of user name must cost nothing to refuse.
            return ApiErrors.Result(context, 400, "INVALID_REQUEST", $"'username' is at most {CredentialRules.MaxUserNameLength} characters and 'password' at most {CredentialRules.MaxPasswordLength}",
                "the login body is longer than any account's", "send the account's user name and password");
        }

        string key = LoginThrottle.Key(body.Username, context);
        if (throttle.TryBegin(key) is TimeSpan wait)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ApiErrors.Result(context, 429, "LOGIN_LOCKED", "too many failed logins; this account is locked for now",
                "repeated wrong passwords for this user from this address", $"try again in {Math.Ceiling(wait.TotalSeconds)} s");
        }

        string? role = users.Check(body.Username, body.Password);
        if (role is null)
        {
            throttle.Failed(key);
            log.LogWarning("Failed login for {User}", body.Username); // never the password
            return ApiErrors.Result(context, 401, "INVALID_CREDENTIALS", "wrong user name or password", "the user does not exist or the password does not match",
                "check both; repeated failures lock the account for a while");
        }

        throttle.Succeeded(key);
        log.LogInformation("{User} logged in as {Role}", body.Username, role);
        return Results.Json(Answer(tokens.Issue(body.Username, role)));
    }

    private static IResult Refresh(RefreshRequest body, HttpContext context, UserStore users, TokenService tokens)
    {
        (string User, string Family)? redeemed = string.IsNullOrEmpty(body.RefreshToken) ? null : users.Redeem(body.RefreshToken);
        string? role = redeemed is null ? null : users.RoleOf(redeemed.Value.User);
        return role is null
            ? ApiErrors.Result(context, 401, "INVALID_REFRESH_TOKEN", "the refresh token is not valid",
                "it was used already (then every token of that login is revoked), revoked by logout, expired, or never issued", "log in again at POST /api/v1/auth/login")
            : Results.Json(Answer(tokens.Issue(redeemed!.Value.User, role, redeemed.Value.Family)));
    }

    private static IResult Logout(RefreshRequest body, HttpContext context, UserStore users, ClaimsPrincipal caller)
    {
        // Revokes the caller's refresh token (a token of someone else is refused, and stays valid).
        return !string.IsNullOrEmpty(body.RefreshToken) && caller.Identity?.Name is { } name && users.Revoke(body.RefreshToken, name)
            ? Results.NoContent()
            : ApiErrors.Result(context, 400, "INVALID_REFRESH_TOKEN", "no refresh token of yours to revoke", "the token is missing, already used or revoked, or belongs to another user",
                "send the refresh_token your login or refresh returned");
    }

    private static object Answer(TokenPair t) => new
    {
        access_token = t.AccessToken,
        token_type = "Bearer",
        expires_in = t.ExpiresIn,
        refresh_token = t.RefreshToken,
        role = t.Role,
        permissions = t.Permissions,
    };
}
