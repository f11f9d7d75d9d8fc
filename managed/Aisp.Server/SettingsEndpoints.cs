using Aisp.Core.Settings;

namespace Aisp.Server;

/// <summary>/api/v1/settings/schema: every setting of the filter with its kind, range or choices, engine and label (read), as the core validates them.</summary>
public static class SettingsEndpoints
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/settings/schema", () => Results.Json(SettingsSchema.ToJson())).RequireAuthorization(Roles.Read);
}
