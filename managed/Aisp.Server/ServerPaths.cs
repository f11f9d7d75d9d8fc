using System.Security.Claims;

namespace Aisp.Server;

/// <summary>
/// Where the server keeps files is for admins (system_config): for everyone else a message or a
/// field that would name one says "the face library" or "the server's data folder" instead, so a
/// viewer learns no user name, home folder or layout of the machine.
/// </summary>
public static class ServerPaths
{
    public static bool MaySee(ClaimsPrincipal user) => user.HasClaim(TokenService.PermissionClaim, Roles.SystemConfig);

    /// <summary><paramref name="text"/> as <paramref name="user"/> may see it.</summary>
    public static string? Shown(string? text, ClaimsPrincipal user, ServerOptions options) =>
        text is null || MaySee(user) ? text
        : text.Replace(options.FaceLibraryPath, "the face library", StringComparison.Ordinal)
            .Replace(options.DataDir, "the server's data folder", StringComparison.Ordinal);
}
