using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Aisp.Core.Identities;

/// <summary>
/// The face library: one SQLite file in WAL mode, so the plugin reads it while the CLI (or any tool)
/// writes it. Identities have a name, any number of embeddings (one per enrolled photo), an optional
/// thumbnail and their created/updated times. These are biometric data: the file is created
/// readable by its owner only (0600), deleted rows are overwritten (secure_delete) and a removal is
/// checkpointed out of the write-ahead log. Every change is one transaction, so an enrolment that
/// fails leaves the library as it was. SQLite errors become <see cref="ErrorKind.Library"/> with
/// the cause in words (corrupt, locked, unreadable).
/// </summary>
public sealed class FaceLibrary : IDisposable
{
    public const int SchemaVersion = 1;

    private const int BusyTimeoutMs = 2000;

    private static readonly Lazy<bool> SqliteSetup = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        return true;
    });

    private readonly SqliteConnection _db;

    private FaceLibrary(string path, SqliteConnection db)
    {
        Path = path;
        _db = db;
    }

    public string Path { get; }

    /// <summary>The library the environment names (AISP_FACE_LIBRARY), else faces.db in the user's data folder (HostPlatform: ~/.local/share/aisp on Linux).</summary>
    public static string DefaultPath()
    {
        if (Environment.GetEnvironmentVariable("AISP_FACE_LIBRARY") is { Length: > 0 } env)
        {
            return env;
        }

        return System.IO.Path.Combine(Platform.HostPlatform.UserDataDir(), "faces.db");
    }

    /// <summary>
    /// Opens the library; <paramref name="create"/> makes a new one (private to the user) when none
    /// exists. <paramref name="readOnly"/>: for the live filter, which only reads; in WAL mode a reader
    /// never waits for a writer, and it writes nothing itself (no schema, no lock to contend for).
    /// </summary>
    public static FaceLibrary Open(string path, bool create, bool readOnly = false)
    {
        _ = SqliteSetup.Value; // the native SQLite provider, bound once without reflection (NativeAOT)
        string full = System.IO.Path.GetFullPath(path);
        switch (IO.FileProbe.Probe(full).Kind)
        {
            case IO.FileKind.Missing when !create:
                throw Fail(full, "does not exist (enrol a face first: aisp faces add NAME PHOTO)");
            case IO.FileKind.Missing:
                CreatePrivate(full);
                break;
            case IO.FileKind.Directory:
                throw Fail(full, "is a directory, not a library file");
            case IO.FileKind.Special:
                throw Fail(full, "is not a regular file (a FIFO, device or socket)");
        }

        var db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Pooling = false, // a closed library releases its file at once (tests, removal)
            DefaultTimeout = BusyTimeoutMs / 1000,
        }.ToString());
        try
        {
            db.Open();
            if (readOnly)
            {
                CheckSchema(db, full);
            }
            else
            {
                Execute(db, $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA journal_mode = WAL; PRAGMA secure_delete = ON; PRAGMA foreign_keys = ON;");
                CreateSchema(db, full);
            }

            return new FaceLibrary(full, db);
        }
        catch (SqliteException e)
        {
            db.Dispose();
            throw Fail(full, e);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>Adds embeddings to <paramref name="name"/> (created if new) in one transaction; returns the identity as stored.</summary>
    public IdentityRecord Enrol(string name, IReadOnlyList<EnrolledFace> faces, byte[]? thumbnail)
    {
        name = CheckName(name);
        if (faces.Count == 0)
        {
            throw new AispException(ErrorKind.InvalidArgument, $"nothing to enrol for '{name}'");
        }

        string now = Now();
        Run(() =>
        {
            using SqliteTransaction tx = _db.BeginTransaction();
            using (SqliteCommand upsert = Command(tx,
                "INSERT INTO identities (name, thumbnail, created, updated) VALUES ($name, $thumb, $now, $now) " +
                "ON CONFLICT(name) DO UPDATE SET updated = $now, thumbnail = COALESCE($thumb, thumbnail)"))
            {
                upsert.Parameters.AddWithValue("$name", name);
                upsert.Parameters.AddWithValue("$thumb", (object?)thumbnail ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$now", now);
                upsert.ExecuteNonQuery();
            }

            foreach (EnrolledFace face in faces)
            {
                if (face.Embedding.Length != FaceRecognizer.Dimensions)
                {
                    throw new AispException(ErrorKind.InvalidArgument, $"an embedding of {face.Embedding.Length} values; the library holds {FaceRecognizer.Dimensions}");
                }

                using SqliteCommand insert = Command(tx,
                    "INSERT INTO embeddings (identity_id, vector, source, created) SELECT id, $vector, $source, $now FROM identities WHERE name = $name");
                insert.Parameters.AddWithValue("$vector", MemoryMarshal.AsBytes(face.Embedding.AsSpan()).ToArray());
                insert.Parameters.AddWithValue("$source", face.Source);
                insert.Parameters.AddWithValue("$now", now);
                insert.Parameters.AddWithValue("$name", name);
                insert.ExecuteNonQuery();
            }

            tx.Commit();
        });
        return List().First(r => r.Name == name);
    }

    public IReadOnlyList<IdentityRecord> List() => Run(() =>
    {
        var list = new List<IdentityRecord>();
        using SqliteCommand query = Command(null,
            "SELECT i.name, COUNT(e.id), i.thumbnail IS NOT NULL, i.created, i.updated FROM identities i " +
            "LEFT JOIN embeddings e ON e.identity_id = i.id GROUP BY i.id ORDER BY i.name");
        using SqliteDataReader r = query.ExecuteReader();
        while (r.Read())
        {
            list.Add(new IdentityRecord(r.GetString(0), r.GetInt32(1), r.GetBoolean(2), Time(r.GetString(3)), Time(r.GetString(4))));
        }

        return list;
    });

    /// <summary>The stored thumbnail of <paramref name="name"/> (PNG bytes), or null.</summary>
    public byte[]? Thumbnail(string name) => Run(() =>
    {
        using SqliteCommand query = Command(null, "SELECT thumbnail FROM identities WHERE name = $name");
        query.Parameters.AddWithValue("$name", name);
        return query.ExecuteScalar() as byte[];
    });

    /// <summary>Every identity with its embeddings, for matching.</summary>
    public IReadOnlyList<KnownIdentity> LoadAll() => Run(() =>
    {
        var byName = new Dictionary<string, List<float[]>>(StringComparer.Ordinal);
        using SqliteCommand query = Command(null, "SELECT i.name, e.vector FROM identities i JOIN embeddings e ON e.identity_id = i.id ORDER BY i.name, e.id");
        using SqliteDataReader r = query.ExecuteReader();
        while (r.Read())
        {
            byte[] blob = (byte[])r.GetValue(1);
            if (blob.Length != FaceRecognizer.Dimensions * sizeof(float))
            {
                throw new AispException(ErrorKind.Library, $"face library {Path} holds an embedding of {blob.Length} bytes; it is damaged");
            }

            string name = r.GetString(0);
            if (!byName.TryGetValue(name, out List<float[]>? list))
            {
                byName[name] = list = [];
            }

            list.Add(MemoryMarshal.Cast<byte, float>(blob).ToArray());
        }

        return byName.Select(p => new KnownIdentity(p.Key, p.Value)).ToList();
    });

    /// <summary>Removes an identity and every embedding and picture of it, out of the log too; false when there was none.</summary>
    public bool Remove(string name) => Run(() =>
    {
        using SqliteTransaction tx = _db.BeginTransaction();
        using SqliteCommand delete = Command(tx, "DELETE FROM identities WHERE name = $name");
        delete.Parameters.AddWithValue("$name", name);
        bool removed = delete.ExecuteNonQuery() > 0; // embeddings go with it (ON DELETE CASCADE)
        tx.Commit();
        Execute(_db, "PRAGMA wal_checkpoint(TRUNCATE);");
        return removed;
    });

    public void Dispose() => _db.Dispose();

    private static void CreatePrivate(string path)
    {
        try
        {
            using FileStream file = IO.PrivateFile.CreateNew(path); // biometric data: the owner's alone
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Fail(path, $"cannot be created: {e.Message}");
        }
    }

    private static void CreateSchema(SqliteConnection db, string path)
    {
        Execute(db, """
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS identities (
                id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, thumbnail BLOB, created TEXT NOT NULL, updated TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS embeddings (
                id INTEGER PRIMARY KEY, identity_id INTEGER NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
                vector BLOB NOT NULL, source TEXT NOT NULL, created TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS embeddings_identity ON embeddings(identity_id);
            """);
        using var version = new SqliteCommand("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', $v), ('embedding', $m)", db);
        version.Parameters.AddWithValue("$v", SchemaVersion.ToString(CultureInfo.InvariantCulture));
        version.Parameters.AddWithValue("$m", FaceRecognizer.ModelName);
        version.ExecuteNonQuery();
        CheckSchema(db, path);
    }

    /// <summary>A library of this program and of the recogniser in use, or a library error saying what it is instead.</summary>
    private static void CheckSchema(SqliteConnection db, string path)
    {
        using var check = new SqliteCommand("SELECT value FROM meta WHERE key = 'embedding'", db);
        object? model;
        try
        {
            model = check.ExecuteScalar();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1) // no such table: an SQLite file, but not ours
        {
            throw Fail(path, "is not a face library or is damaged (it has no AISP tables)");
        }

        if (model is not string name)
        {
            throw Fail(path, "is not a face library or is damaged (no embedding model recorded)");
        }

        if (name != FaceRecognizer.ModelName)
        {
            throw Fail(path, $"holds embeddings of model '{name}', not '{FaceRecognizer.ModelName}': enrol the faces again in a new library");
        }
    }

    private static string CheckName(string name)
    {
        name = name.Trim();
        return NameProblem(name) is { } problem ? throw new AispException(ErrorKind.InvalidArgument, $"an identity's name {problem}") : name;
    }

    /// <summary>
    /// Why <paramref name="name"/> (trimmed) cannot name a person, or null: 1 to 100 printable
    /// characters without '/' or '\', so every name can be shown, typed and removed again through
    /// any surface (an API path included): biometric data that cannot be deleted must not exist.
    /// </summary>
    public static string? NameProblem(string name) =>
        name.Length is 0 or > 100 ? "must be 1 to 100 characters"
        : name.Any(c => char.IsControl(c) || c is '/' or '\\') ? "may not hold control characters (line breaks, NUL), '/' or '\\'"
        : name.StartsWith('-') ? "may not start with '-'"
        : null;

    private SqliteCommand Command(SqliteTransaction? tx, string sql) => new(sql, _db, tx);

    private static void Execute(SqliteConnection db, string sql)
    {
        using var command = new SqliteCommand(sql, db);
        command.ExecuteNonQuery();
    }

    private T Run<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (SqliteException e)
        {
            throw Fail(Path, e);
        }
    }

    private void Run(Action work) => Run(() =>
    {
        work();
        return 0;
    });

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    private static AispException Fail(string path, string why) => new(ErrorKind.Library, $"face library {path} {why}");

    /// <summary>SQLite's codes in words: what a user can act on.</summary>
    private static AispException Fail(string path, SqliteException e) => e.SqliteErrorCode switch
    {
        26 or 11 => Fail(path, "is not a face library or is damaged (SQLite: " + e.Message + ")"),
        5 or 6 => Fail(path, "is locked by another program; try again when it is done"),
        8 or 14 or 23 => Fail(path, "cannot be opened for writing (" + e.Message + ")"),
        _ => Fail(path, "failed: " + e.Message),
    };
}
