using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Aisp.Core.Assistant;

/// <summary>One applied strategy and what was measured in the minute after it (null until then).</summary>
public sealed record HistoryRecord(long Id, DateTimeOffset Time, string Instruction, string Planner, string Engine, string Quality, double CpuPercent,
    double? LatencyP95Ms, double? Fps, double? ErrorRatePercent, bool? MetBudget)
{
    public JsonObject ToJson() => new()
    {
        ["id"] = Id, ["time"] = Time.ToString("O", CultureInfo.InvariantCulture), ["instruction"] = Instruction, ["planner"] = Planner,
        ["engine"] = Engine, ["quality"] = Quality, ["cpu_percent"] = double.IsNaN(CpuPercent) ? null : Math.Round(CpuPercent, 1),
        ["latency_p95_ms"] = LatencyP95Ms, ["fps"] = Fps, ["error_rate_percent"] = ErrorRatePercent, ["met_budget"] = MetBudget,
    };
}

/// <summary>
/// Every applied strategy, kept in SQLite with the latency, fps and error rate measured in the
/// following minute, so the planner can prefer what met the frame budget on this machine.
/// </summary>
public sealed class StrategyHistory
{
    /// <summary>The seed's error-rate alert threshold: a configuration above it did not work, whatever its speed.</summary>
    public const double MaxErrorRatePercent = 5;

    private readonly string _connection;

    private StrategyHistory(string path)
    {
        Path = path;
        _connection = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 2 }.ToString();
    }

    public string Path { get; }

    /// <summary>Opens (creating, private to the user) the history at <paramref name="path"/>.</summary>
    public static StrategyHistory Open(string path)
    {
        SQLitePCL.Batteries_V2.Init();
        string full = System.IO.Path.GetFullPath(path);
        try
        {
            if (!File.Exists(full))
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
                using FileStream _ = IO.PrivateFile.CreateNew(full);
            }

            var history = new StrategyHistory(full);
            history.Execute("""
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS strategies (
                  id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, instruction TEXT NOT NULL, planner TEXT NOT NULL,
                  settings TEXT NOT NULL, engine TEXT NOT NULL, quality TEXT NOT NULL, cpu_percent REAL,
                  latency_p95_ms REAL, fps REAL, error_rate_percent REAL, met_budget INTEGER);
                """, _ => { });
            return history;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new AispException(ErrorKind.Library, $"the assistant's history {full} cannot be used: {e.Message}", e);
        }
    }

    /// <summary>The default: beside the server's data (~/.local/share/aisp/server/assistant.db), where applied strategies are measured.</summary>
    public static string DefaultPath()
    {
        return System.IO.Path.Combine(Platform.HostPlatform.UserDataDir(), "server", "assistant.db");
    }

    /// <summary>Records an applied strategy; returns its id for <see cref="Measured"/>.</summary>
    public long Applied(Strategy strategy, JsonObject current)
    {
        (string engine, string quality) = strategy.Configuration(current);
        long id = 0;
        Execute("""
            INSERT INTO strategies (time, instruction, planner, settings, engine, quality, cpu_percent)
            VALUES ($time, $instruction, $planner, $settings, $engine, $quality, $cpu); SELECT last_insert_rowid();
            """, c =>
        {
            c.Parameters.AddWithValue("$time", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            c.Parameters.AddWithValue("$instruction", strategy.Instruction);
            c.Parameters.AddWithValue("$planner", strategy.Planner);
            c.Parameters.AddWithValue("$settings", strategy.Settings.ToJsonString());
            c.Parameters.AddWithValue("$engine", engine);
            c.Parameters.AddWithValue("$quality", quality);
            c.Parameters.AddWithValue("$cpu", double.IsNaN(strategy.Status.CpuPercent) ? DBNull.Value : strategy.Status.CpuPercent);
        }, result => id = (long)result!);
        return id;
    }

    /// <summary>What the minute after strategy <paramref name="id"/> measured; met = p95 latency within the frame budget and errors under the seed's 5 %.</summary>
    public void Measured(long id, double latencyP95Ms, double fps, double errorRatePercent, double budgetMs) =>
        Execute("UPDATE strategies SET latency_p95_ms = $l, fps = $f, error_rate_percent = $e, met_budget = $m WHERE id = $id", c =>
        {
            c.Parameters.AddWithValue("$l", latencyP95Ms);
            c.Parameters.AddWithValue("$f", fps);
            c.Parameters.AddWithValue("$e", errorRatePercent);
            c.Parameters.AddWithValue("$m", latencyP95Ms <= budgetMs && errorRatePercent <= MaxErrorRatePercent ? 1 : 0);
            c.Parameters.AddWithValue("$id", id);
        });

    /// <summary>The newest records first.</summary>
    public IReadOnlyList<HistoryRecord> Recent(int limit = 200)
    {
        var list = new List<HistoryRecord>();
        Execute("SELECT id, time, instruction, planner, engine, quality, cpu_percent, latency_p95_ms, fps, error_rate_percent, met_budget FROM strategies ORDER BY id DESC LIMIT $n",
            c => c.Parameters.AddWithValue("$n", limit), reader: r =>
            {
                double? N(int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
                list.Add(new HistoryRecord(r.GetInt64(0), DateTimeOffset.Parse(r.GetString(1), CultureInfo.InvariantCulture), r.GetString(2), r.GetString(3),
                    r.GetString(4), r.GetString(5), N(6) ?? double.NaN, N(7), N(8), N(9), r.IsDBNull(10) ? null : r.GetInt64(10) == 1));
            });
        return list;
    }

    private void Execute(string sql, Action<SqliteCommand> bind, Action<object?>? scalar = null, Action<SqliteDataReader>? reader = null)
    {
        try
        {
            using var db = new SqliteConnection(_connection);
            db.Open();
            using SqliteCommand command = db.CreateCommand();
            command.CommandText = sql;
            bind(command);
            if (reader is not null)
            {
                using SqliteDataReader r = command.ExecuteReader();
                while (r.Read())
                {
                    reader(r);
                }
            }
            else if (scalar is not null)
            {
                scalar(command.ExecuteScalar());
            }
            else
            {
                command.ExecuteNonQuery();
            }
        }
        catch (SqliteException e)
        {
            throw new AispException(ErrorKind.Library, $"the assistant's history {Path}: {e.Message}", e);
        }
    }
}
