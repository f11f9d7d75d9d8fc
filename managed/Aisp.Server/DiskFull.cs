using Microsoft.Data.Sqlite;

namespace Aisp.Server;

/// <summary>
/// A full disk (or quota) under the server's data folder: the request that hit it answers 507 with
/// what to do, instead of an internal error, and the server itself goes on.
/// </summary>
public static class DiskFull
{
    private const int Enospc = 28, Edquot = 122;
    private const int SqliteFull = 13, SqliteIoErr = 10;

    public static bool Is(Exception e) => e switch
    {
        IOException io => (io.HResult & 0xFFFF) is Enospc or Edquot || io.Message.Contains("No space left", StringComparison.Ordinal),
        SqliteException sql => sql.SqliteErrorCode is SqliteFull or SqliteIoErr,
        _ => false,
    };

    public static IResult Answer(HttpContext context) =>
        ApiErrors.Result(context, 507, "DISK_FULL", "the server's disk is full", "there is no space left where the server keeps its files",
            "free space on the server's machine (finished jobs can be deleted with DELETE /api/v1/jobs/{id}), then try again");
}
