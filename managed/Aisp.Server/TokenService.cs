using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Aisp.Server;

/// <summary>A login's answer: a short-lived JWT and a refresh token that works once.</summary>
public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn, string Role, IReadOnlyList<string> Permissions);

/// <summary>Issues JWTs (HMAC-SHA256, the user's role and the seed's permissions as claims) and rotating refresh tokens.</summary>
public sealed class TokenService(ServerOptions options, UserStore users, SymmetricSecurityKey key)
{
    public const string Issuer = "aisp";
    public const string PermissionClaim = "perm";

    /// <param name="family">The login this pair continues (a refresh); null starts a new one (a login).</param>
    public TokenPair Issue(string user, string role, string? family = null)
    {
        var claims = new List<Claim> { new(JwtRegisteredClaimNames.Sub, user), new(ClaimTypes.Name, user), new(ClaimTypes.Role, role) };
        claims.AddRange(Roles.Permissions(role).Select(p => new Claim(PermissionClaim, p)));
        DateTime now = options.Clock.GetUtcNow().UtcDateTime;
        string access = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Issuer,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.AccessTokenLifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
        string refresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        users.StoreRefresh(refresh, user, options.Clock.GetUtcNow() + options.RefreshTokenLifetime, family ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
        return new TokenPair(access, refresh, (int)options.AccessTokenLifetime.TotalSeconds, role, Roles.Permissions(role));
    }

    /// <summary>
    /// A signed, unexpired token is not enough: its user must still exist with the role it names,
    /// so a deleted or demoted user loses access at once rather than when the token expires.
    /// </summary>
    public string? StaleReason(ClaimsPrincipal principal)
    {
        string? user = principal.FindFirstValue(JwtRegisteredClaimNames.Sub), role = principal.FindFirstValue(ClaimTypes.Role);
        string? current = user is null ? null : users.RoleOf(user);
        return current is null ? "the token's user no longer exists" : current != role ? "the token's user has another role now" : null;
    }

    public TokenValidationParameters Validation() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Issuer,
        IssuerSigningKey = key,
        ClockSkew = TimeSpan.Zero,
        // Lifetimes are read on the server's clock, the one that issued them (JWT times are whole seconds).
        LifetimeValidator = (notBefore, expires, _, _) =>
        {
            DateTime now = options.Clock.GetUtcNow().UtcDateTime;
            return (notBefore is null || notBefore.Value <= now) && expires is not null && now < expires.Value;
        },
        NameClaimType = ClaimTypes.Name,
        RoleClaimType = ClaimTypes.Role,
    };
}
