using Microsoft.Data.Sqlite;

namespace Aisp.Server;

/// <summary>
/// Holds one connection to server.db open for the server's life. The stores open a short
/// connection per call; without a connection that stays, SQLite removes the write-ahead log and
/// its index when the last one closes and must create them again at the next open, which a full
/// disk refuses ("disk I/O error"), so even logins and reads would fail until space is freed.
/// </summary>
public sealed class DatabaseKeeper : IDisposable
{
    private readonly SqliteConnection _connection;

    public DatabaseKeeper(ServerOptions options)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = options.DatabasePath, Pooling = false }.ToString());
        _connection.Open();
        using var read = new SqliteCommand("SELECT COUNT(*) FROM sqlite_master", _connection);
        read.ExecuteScalar(); // SQLite opens the log and its index at the first read, not at Open
    }

    public void Dispose() => _connection.Dispose();
}
