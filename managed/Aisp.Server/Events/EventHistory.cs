using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Aisp.Server.Events;

/// <summary>Every event, kept in the server's SQLite file (table events), numbered in arrival order.</summary>
public sealed class EventHistory(ServerOptions options)
{
    private readonly string _connection = new SqliteConnectionStringBuilder { DataSource = options.DatabasePath, Pooling = false }.ToString();

    public void EnsureCreated()
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand("""
            CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, time TEXT NOT NULL,
                source TEXT NOT NULL, filter TEXT NOT NULL, payload TEXT NOT NULL)
            """, db);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Stores the event and returns it with its number.</summary>
    public ServerEvent Record(string type, DateTimeOffset time, string source, string filter, JsonObject payload)
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand("INSERT INTO events (type, time, source, filter, payload) VALUES ($t, $w, $s, $f, $p) RETURNING id", db);
        cmd.Parameters.AddWithValue("$t", type);
        cmd.Parameters.AddWithValue("$w", time.ToString("O", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$s", source);
        cmd.Parameters.AddWithValue("$f", filter);
        cmd.Parameters.AddWithValue("$p", payload.ToJsonString());
        long id = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        return new ServerEvent(id, type, time, source, filter, payload);
    }

    /// <summary>Events after number <paramref name="after"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<ServerEvent> After(long after, int limit) =>
        Query("SELECT id, type, time, source, filter, payload FROM events WHERE id > $a ORDER BY id LIMIT $l", after, limit);

    /// <summary>The latest <paramref name="count"/> events, oldest first.</summary>
    public IReadOnlyList<ServerEvent> Newest(int count) =>
        Query("SELECT * FROM (SELECT id, type, time, source, filter, payload FROM events WHERE id > $a ORDER BY id DESC LIMIT $l) ORDER BY id", 0, count);

    private List<ServerEvent> Query(string sql, long after, int limit)
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand(sql, db);
        cmd.Parameters.AddWithValue("$a", after);
        cmd.Parameters.AddWithValue("$l", limit);
        using SqliteDataReader r = cmd.ExecuteReader();
        var events = new List<ServerEvent>();
        while (r.Read())
        {
            events.Add(new ServerEvent(r.GetInt64(0), r.GetString(1), DateTimeOffset.Parse(r.GetString(2), CultureInfo.InvariantCulture),
                r.GetString(3), r.GetString(4), JsonNode.Parse(r.GetString(5))!.AsObject()));
        }

        return events;
    }

    private SqliteConnection Open()
    {
        var db = new SqliteConnection(_connection);
        db.Open();
        return db;
    }
}
