namespace Aisp.Server;

/// <summary>The seed's roles and permissions, verbatim: viewer read; operator read write execute; admin adds manage_users system_config.</summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";

    public const string Read = "read";
    public const string Write = "write";
    public const string Execute = "execute";
    public const string ManageUsers = "manage_users";
    public const string SystemConfig = "system_config";

    public static readonly string[] All = [Viewer, Operator, Admin];

    public static IReadOnlyList<string> Permissions(string role) => role switch
    {
        Viewer => [Read],
        Operator => [Read, Write, Execute],
        Admin => [Read, Write, Execute, ManageUsers, SystemConfig],
        _ => [],
    };
}
