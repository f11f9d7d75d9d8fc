using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Aisp.Server;

/// <summary>What became of a removal or a role change.</summary>
public enum UserChange
{
    Done,
    NotFound,
    LastAdmin,
}

/// <summary>A user as the API shows it (never the hash).</summary>
public sealed record UserInfo(string Name, string Role, DateTimeOffset Created);

/// <summary>
/// Users (password hashes, roles) and refresh tokens (stored as SHA-256 hashes only) in the
/// server's SQLite file, created private to its owner (0600). One short connection per call.
/// </summary>
public sealed class UserStore(ServerOptions options)
{
    private readonly string _connection = new SqliteConnectionStringBuilder { DataSource = options.DatabasePath, Pooling = false }.ToString();
    private readonly Lazy<string> _unknownUserHash = new(() => PasswordHasher.Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)), options.PasswordIterations));

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
        using var columns = new SqliteCommand("SELECT COUNT(*) FROM pragma_table_info('refresh_tokens') WHERE name = 'family'", db);
        if (Convert.ToInt64(columns.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
        {
            // A file from before token families: its tokens each become a family of their own.
            Execute(db, "ALTER TABLE refresh_tokens ADD COLUMN family TEXT NOT NULL DEFAULT ''; UPDATE refresh_tokens SET family = hash WHERE family = '';");
        }
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

    /// <summary>Removes a user (its refresh tokens go with it); the last admin stays, so the server is never left without one.</summary>
    public UserChange Remove(string name) => Change(name, "DELETE FROM users WHERE name = $n" + KeepsAnAdmin, null);

    /// <summary>Gives a user another role; the last admin keeps its role.</summary>
    public UserChange SetRole(string name, string role) =>
        Change(name, "UPDATE users SET role = $r WHERE name = $n" + (role == Roles.Admin ? "" : KeepsAnAdmin), role);

    // One statement, so two admins removing each other at once cannot both succeed.
    private const string KeepsAnAdmin = " AND NOT (role = 'admin' AND (SELECT COUNT(*) FROM users WHERE role = 'admin') = 1)";

    private UserChange Change(string name, string sql, string? role)
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand(sql, db);
        cmd.Parameters.AddWithValue("$n", name);
        if (role is not null)
        {
            cmd.Parameters.AddWithValue("$r", role);
        }

        return cmd.ExecuteNonQuery() == 1 ? UserChange.Done : RoleOf(name) is null ? UserChange.NotFound : UserChange.LastAdmin;
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
        // An unknown name costs the same one hash as a known one, so timing does not tell which names exist.
        string hash = found ? r.GetString(0) : _unknownUserHash.Value;
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

    /// <summary>Keeps a refresh token (its hash only) as a member of <paramref name="family"/>: the chain of tokens one login rotates through.</summary>
    public void StoreRefresh(string token, string user, DateTimeOffset expires, string family)
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand("INSERT INTO refresh_tokens (hash, user, expires, family) VALUES ($h, $u, $e, $f)", db);
        cmd.Parameters.AddWithValue("$h", Digest(token));
        cmd.Parameters.AddWithValue("$u", user);
        cmd.Parameters.AddWithValue("$e", expires.ToString("O", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$f", family);
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Revokes the refresh token and returns its user and family when it was valid (unrevoked,
    /// unexpired), else null: a token works once. A token used a second time was stolen or
    /// replayed, so its whole family is revoked: the thief and the user both log in again.
    /// </summary>
    public (string User, string Family)? Redeem(string token)
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand("UPDATE refresh_tokens SET revoked = 1 WHERE hash = $h AND revoked = 0 AND expires > $now RETURNING user, family", db);
        cmd.Parameters.AddWithValue("$h", Digest(token));
        cmd.Parameters.AddWithValue("$now", options.Clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        using (SqliteDataReader r = cmd.ExecuteReader())
        {
            if (r.Read())
            {
                return (r.GetString(0), r.GetString(1));
            }
        }

        using var reuse = new SqliteCommand("UPDATE refresh_tokens SET revoked = 1 WHERE family = (SELECT family FROM refresh_tokens WHERE hash = $h AND revoked = 1)", db);
        reuse.Parameters.AddWithValue("$h", Digest(token));
        reuse.ExecuteNonQuery();
        return null;
    }

    /// <summary>Logout: revokes the token only when <paramref name="user"/> owns it (someone else's token stays valid).</summary>
    public bool Revoke(string token, string user)
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand("UPDATE refresh_tokens SET revoked = 1 WHERE hash = $h AND user = $u AND revoked = 0 AND expires > $now", db);
        cmd.Parameters.AddWithValue("$h", Digest(token));
        cmd.Parameters.AddWithValue("$u", user);
        cmd.Parameters.AddWithValue("$now", options.Clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        return cmd.ExecuteNonQuery() == 1;
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
