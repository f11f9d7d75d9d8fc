namespace Aisp.Server;

public sealed record NewUser(string? Username, string? Password, string? Role);

public sealed record RoleChange(string? Role);

/// <summary>/api/v1/users: admins (manage_users) list, add, remove users and change their roles (never the last admin's).</summary>
public static class UserEndpoints
{
    public const int MinPasswordLength = 12;

    public static void Map(IEndpointRouteBuilder api)
    {
        RouteGroupBuilder users = api.MapGroup("/users").RequireAuthorization(Roles.ManageUsers);
        users.MapGet("/", (UserStore store) => Results.Json(store.List().Select(u => new { username = u.Name, role = u.Role, created = u.Created })));
        users.MapPost("/", Add);
        users.MapDelete("/{name}", (string name, HttpContext context, UserStore store) => Answer(store.Remove(name), name, context));
        users.MapPatch("/{name}", (string name, RoleChange body, HttpContext context, UserStore store) => body.Role is null || Array.IndexOf(Roles.All, body.Role) < 0
            ? ApiErrors.Result(context, 400, "INVALID_REQUEST", $"'role' must be one of {string.Join(", ", Roles.All)}", "the new role is missing or unknown", "send {\"role\":\"operator\"}")
            : Answer(store.SetRole(name, body.Role), name, context));
    }

    private static IResult Answer(UserChange change, string name, HttpContext context) => change switch
    {
        UserChange.Done => Results.NoContent(),
        UserChange.LastAdmin => ApiErrors.Result(context, 409, "LAST_ADMIN", $"'{name}' is the last admin", "the server would be left without anyone to manage it",
            "make another user admin first"),
        _ => ApiErrors.Result(context, 404, "USER_NOT_FOUND", $"no user '{name}'", "nobody has that name", "GET /api/v1/users lists the users"),
    };

    private static IResult Add(NewUser body, HttpContext context, UserStore store)
    {
        string? problem = CredentialRules.NameProblem(body.Username)
            ?? (body.Password is null || body.Password.Length < MinPasswordLength ? $"'password' needs at least {MinPasswordLength} characters"
            : body.Password.Length > CredentialRules.MaxPasswordLength ? $"'password' is at most {CredentialRules.MaxPasswordLength} characters"
            : body.Role is null || Array.IndexOf(Roles.All, body.Role) < 0 ? $"'role' must be one of {string.Join(", ", Roles.All)}"
            : null);
        if (problem is not null)
        {
            return ApiErrors.Result(context, 400, "INVALID_REQUEST", problem, "the new user is incomplete or its role unknown", "send username, password and role");
        }

        return store.Add(body.Username!, body.Password!, body.Role!)
            ? Results.Created($"/api/v1/users/{Uri.EscapeDataString(body.Username!)}", new { username = body.Username, role = body.Role })
            : ApiErrors.Result(context, 409, "USER_EXISTS", $"user '{body.Username}' exists", "the name is taken", "choose another name, or remove that user first");
    }
}
