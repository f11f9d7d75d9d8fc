using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Aisp.Server;

/// <summary>A user as the API shows it (never the hash).</summary>
public sealed record UserInfo(string Name, string Role, DateTimeOffset Created);

/// <summary>
/// Users (password hashes, roles) and refresh tokens (stored as SHA-256 hashes only) in the
/// server's SQLite file, created private to its owner (0600). One short connection per call.
/// </summary>
public sealed class UserStore(ServerOptions options)
{
    private readonly string _connection = new SqliteConnectionStringBuilder { DataSource = options.DatabasePath, Pooling = false }.ToString();

    /// <summary>Creates the file (0600) and its tables when they do not exist yet.</summary>
    public void EnsureCreated()
    {
        if (!File.Exists(options.DatabasePath))
        {
            using FileStream created = Aisp.Core.IO.PrivateFile.CreateNew(options.DatabasePath);
        }

        using SqliteConnection db = Open();
        Execute(db, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, hash TEXT NOT NULL, role TEXT NOT NULL, created TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS refresh_tokens (hash TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                expires TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
            """);
    }

    public bool AnyAdmin()
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand("SELECT COUNT(*) FROM users WHERE role = 'admin'", db);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Adds a user; false when the name is taken.</summary>
    public bool Add(string name, string password, string role)
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand("INSERT OR IGNORE INTO users (name, hash, role, created) VALUES ($n, $h, $r, $c)", db);
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$h", PasswordHasher.Hash(password, options.PasswordIterations));
        cmd.Parameters.AddWithValue("$r", role);
        cmd.Parameters.AddWithValue("$c", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        return cmd.ExecuteNonQuery() == 1;
    }

    public bool Remove(string name)
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand("DELETE FROM users WHERE name = $n", db);
        cmd.Parameters.AddWithValue("$n", name);
        return cmd.ExecuteNonQuery() == 1;
    }

    public IReadOnlyList<UserInfo> List()
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand("SELECT name, role, created FROM users ORDER BY name", db);
        using SqliteDataReader r = cmd.ExecuteReader();
        var users = new List<UserInfo>();
        while (r.Read())
        {
            users.Add(new UserInfo(r.GetString(0), r.GetString(1), DateTimeOffset.Parse(r.GetString(2), CultureInfo.InvariantCulture)));
        }

        return users;
    }

    /// <summary>The user's role when the password is right, else null (the same work either way).</summary>
    public string? Check(string name, string password)
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand("SELECT hash, role FROM users WHERE name = $n", db);
        cmd.Parameters.AddWithValue("$n", name);
        using SqliteDataReader r = cmd.ExecuteReader();
        bool found = r.Read();
        // An unknown name still costs one hash, so timing does not tell which names exist.
        string hash = found ? r.GetString(0) : PasswordHasher.Hash("unknown user", options.PasswordIterations);
        bool ok = PasswordHasher.Verify(password, hash);
        return found && ok ? r.GetString(1) : null;
    }

    public string? RoleOf(string name)
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand("SELECT role FROM users WHERE name = $n", db);
        cmd.Parameters.AddWithValue("$n", name);
        return cmd.ExecuteScalar() as string;
    }

    public void StoreRefresh(string token, string user, DateTimeOffset expires)
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand("INSERT INTO refresh_tokens (hash, user, expires) VALUES ($h, $u, $e)", db);
        cmd.Parameters.AddWithValue("$h", Digest(token));
        cmd.Parameters.AddWithValue("$u", user);
        cmd.Parameters.AddWithValue("$e", expires.ToString("O", CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
    }

    /// <summary>Revokes the refresh token and returns its user when it was valid (unrevoked, unexpired), else null: a token works once.</summary>
    public string? Redeem(string token)
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand("UPDATE refresh_tokens SET revoked = 1 WHERE hash = $h AND revoked = 0 AND expires > $now RETURNING user", db);
        cmd.Parameters.AddWithValue("$h", Digest(token));
        cmd.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        return cmd.ExecuteScalar() as string;
    }

    private static string Digest(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private SqliteConnection Open()
    {
        var db = new SqliteConnection(_connection);
        db.Open();
        Execute(db, "PRAGMA foreign_keys = ON;");
        return db;
    }

    private static void Execute(SqliteConnection db, string sql)
    {
        using var cmd = new SqliteCommand(sql, db);
        cmd.ExecuteNonQuery();
    }
}
