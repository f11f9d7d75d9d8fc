using System.Globalization;
using Aisp.Core.Control;
using Microsoft.Data.Sqlite;

namespace Aisp.Server.Jobs;

/// <summary>
/// The file jobs in the server's SQLite file (table jobs), so that a restart finds every job where
/// it was. State changes follow the seed's transition table; a move it does not allow is refused.
/// </summary>
public sealed class JobStore(ServerOptions options)
{
    private const string Columns = "id, state, result, owner, input, input_name, uploaded, output_format, settings, created, started, finished, done, total, error, attempts, pid";

    private readonly string _connection = new SqliteConnectionStringBuilder { DataSource = options.DatabasePath, Pooling = false }.ToString();

    public void EnsureCreated() => Execute("""
        CREATE TABLE IF NOT EXISTS jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, state TEXT NOT NULL, result TEXT, owner TEXT NOT NULL,
            input TEXT NOT NULL, input_name TEXT NOT NULL, uploaded INTEGER NOT NULL, output_format TEXT NOT NULL, settings TEXT NOT NULL,
            created TEXT NOT NULL, started TEXT, finished TEXT, done INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0,
            error TEXT, attempts INTEGER NOT NULL DEFAULT 0, pid INTEGER)
        """);

    /// <summary>A new job in INIT (its input may still be arriving).</summary>
    public Job Create(string owner, string input, string inputName, bool uploaded, string outputFormat, string settings)
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand($"""
            INSERT INTO jobs (state, owner, input, input_name, uploaded, output_format, settings, created)
            VALUES ('INIT', $o, $i, $n, $u, $f, $s, $c) RETURNING {Columns}
            """, db);
        cmd.Parameters.AddWithValue("$o", owner);
        cmd.Parameters.AddWithValue("$i", input);
        cmd.Parameters.AddWithValue("$n", inputName);
        cmd.Parameters.AddWithValue("$u", uploaded ? 1 : 0);
        cmd.Parameters.AddWithValue("$f", outputFormat);
        cmd.Parameters.AddWithValue("$s", settings);
        cmd.Parameters.AddWithValue("$c", Now());
        return Single(cmd)!;
    }

    public Job? Get(long id)
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand($"SELECT {Columns} FROM jobs WHERE id = $id", db);
        cmd.Parameters.AddWithValue("$id", id);
        return Single(cmd);
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<Job> List(int limit) => Query($"SELECT {Columns} FROM jobs ORDER BY id DESC LIMIT {limit}");

    public IReadOnlyList<Job> InState(params FilterState[] states) =>
        Query($"SELECT {Columns} FROM jobs WHERE state IN ({string.Join(", ", states.Select(s => $"'{FilterStates.Name(s)}'"))}) ORDER BY id");

    public int Count(FilterState state)
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand("SELECT COUNT(*) FROM jobs WHERE state = $s", db);
        cmd.Parameters.AddWithValue("$s", FilterStates.Name(state));
        return Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Jobs finished since <paramref name="since"/>: how many, and how many of them failed.</summary>
    public (int Finished, int Failed) FinishedSince(DateTimeOffset since)
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand("SELECT COUNT(*), COALESCE(SUM(result = 'failed'), 0) FROM jobs WHERE finished >= $t AND result IS NOT NULL", db);
        cmd.Parameters.AddWithValue("$t", since.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        using SqliteDataReader r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt32(0), r.GetInt32(1));
    }

    /// <summary>Moves the job when the seed's table allows it from its current state; null when the job is gone or the move is not allowed.</summary>
    public Job? Move(long id, FilterState to, string? result = null, string? error = null)
    {
        Job? job = Get(id);
        if (job is null || !FilterStates.CanMove(job.State, to))
        {
            return null;
        }

        bool starting = to == FilterState.Starting, ending = to is FilterState.Completed or FilterState.Error;
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand($"""
            UPDATE jobs SET state = $to, result = COALESCE($r, result), error = COALESCE($e, error),
                started = CASE WHEN $starting THEN $now ELSE started END,
                attempts = attempts + CASE WHEN $starting THEN 1 ELSE 0 END,
                done = CASE WHEN $starting THEN 0 ELSE done END,
                finished = CASE WHEN $ending THEN $now ELSE finished END,
                pid = CASE WHEN $ending OR $to = 'WAITING' THEN NULL ELSE pid END
            WHERE id = $id AND state = $from RETURNING {Columns}
            """, db);
        cmd.Parameters.AddWithValue("$to", FilterStates.Name(to));
        cmd.Parameters.AddWithValue("$from", FilterStates.Name(job.State));
        cmd.Parameters.AddWithValue("$r", (object?)result ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$e", (object?)error ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$starting", starting);
        cmd.Parameters.AddWithValue("$ending", ending);
        cmd.Parameters.AddWithValue("$now", Now());
        cmd.Parameters.AddWithValue("$id", id);
        return Single(cmd); // null when another thread moved it first
    }

    public void SetProgress(long id, int done, int total) =>
        Execute("UPDATE jobs SET done = $d, total = $t WHERE id = $id", ("$d", done), ("$t", total), ("$id", id));

    public void SetInput(long id, string input) => Execute("UPDATE jobs SET input = $i WHERE id = $id", ("$i", input), ("$id", id));

    public void SetPid(long id, int? pid) => Execute("UPDATE jobs SET pid = $p WHERE id = $id", ("$p", (object?)pid ?? DBNull.Value), ("$id", id));

    public bool Delete(long id)
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand("DELETE FROM jobs WHERE id = $id AND state IN ('COMPLETED', 'ERROR')", db);
        cmd.Parameters.AddWithValue("$id", id);
        return cmd.ExecuteNonQuery() == 1;
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand(sql, db);
        foreach ((string name, object value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        cmd.ExecuteNonQuery();
    }

    private List<Job> Query(string sql)
    {
        using SqliteConnection db = Open();
        using var cmd = new SqliteCommand(sql, db);
        return Read(cmd);
    }

    private static Job? Single(SqliteCommand cmd) => Read(cmd) is [Job job] ? job : null;

    private static List<Job> Read(SqliteCommand cmd)
    {
        using SqliteDataReader r = cmd.ExecuteReader();
        var jobs = new List<Job>();
        while (r.Read())
        {
            jobs.Add(new Job(r.GetInt64(0), ParseState(r.GetString(1)), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.GetInt64(6) != 0, r.GetString(7), r.GetString(8), Time(r.GetString(9))!.Value, r.IsDBNull(10) ? null : Time(r.GetString(10)),
                r.IsDBNull(11) ? null : Time(r.GetString(11)), r.GetInt32(12), r.GetInt32(13), r.IsDBNull(14) ? null : r.GetString(14), r.GetInt32(15),
                r.IsDBNull(16) ? null : r.GetInt32(16)));
        }

        return jobs;
    }

    private static DateTimeOffset? Time(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static FilterState ParseState(string name) => Enum.GetValues<FilterState>().First(s => FilterStates.Name(s) == name);

    private SqliteConnection Open()
    {
        var db = new SqliteConnection(_connection);
        db.Open();
        return db;
    }
}
