namespace Aisp.Server;

/// <summary>Where the server keeps its files, where it listens, and its security limits.</summary>
public sealed record ServerOptions
{
    /// <summary>Loopback only unless the user says otherwise: the API controls a live broadcast.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8765";

    public string DataDir { get; init; } = DefaultDataDir();

    /// <summary>The server's clock: token lifetimes, refresh expiry, login throttling (tests move a manual one).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public string Urls { get; init; } = DefaultUrl;

    /// <summary>The address to listen on when the user names none but gives a certificate.</summary>
    public const string DefaultHttpsUrl = "https://127.0.0.1:8765";

    /// <summary>A PEM or PFX certificate file: with it the server listens with HTTPS (and only HTTPS).</summary>
    public string? CertificatePath { get; init; }

    /// <summary>The PEM certificate's private key when it is not in the certificate's own file.</summary>
    public string? CertificateKeyPath { get; init; }

    /// <summary>A protected PFX's or encrypted PEM key's password: from AISP_CERT_PASSWORD, never the command line.</summary>
    public string? CertificatePassword { get; init; } = Environment.GetEnvironmentVariable(ServerCertificate.PasswordVariable);

    /// <summary>OBS's obs-websocket server (Tools > WebSocket Server Settings).</summary>
    public Uri ObsUrl { get; init; } = new("ws://127.0.0.1:4455");

    /// <summary>Its password: from AISP_OBS_PASSWORD, never the command line (where every user's ps shows it).</summary>
    public string ObsPassword { get; init; } = Environment.GetEnvironmentVariable("AISP_OBS_PASSWORD") ?? "";

    /// <summary>First wait before reconnecting to OBS; then twice, then four times as long (the seed's 3 retries), up to <see cref="ObsRetryMax"/>.</summary>
    public TimeSpan ObsRetryBase { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two tries while OBS stays away.</summary>
    public TimeSpan ObsRetryMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A vendor request OBS has not answered by then drops the connection (OBS hung), so no caller waits longer.</summary>
    public TimeSpan ObsRequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromMinutes(15);

    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(7);

    /// <summary>PBKDF2-SHA256 rounds for new password hashes (OWASP's 2023 advice: 600 000).</summary>
    public int PasswordIterations { get; init; } = 600_000;

    public int FailuresBeforeLockout { get; init; } = 5;

    public TimeSpan Lockout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>File jobs running at once (the seed's 4); the rest wait in order.</summary>
    public int MaxConcurrentJobs { get; init; } = 4;

    /// <summary>A job interrupted this many times (the server stopped or crashed while it ran) is marked failed instead of started again.</summary>
    public int MaxJobAttempts { get; init; } = 3;

    /// <summary>Folders whose files a job may name by path (--jobs-read); none by default, so only uploads work until the user says.</summary>
    public IReadOnlyList<string> JobInputRoots { get; init; } = [];

    public long MaxUploadBytes { get; init; } = 2L << 30;

    /// <summary>The most memory one worker (a job, an enrolment) may take before its allocations fail (0: no cap). Four at once stay within a 16 GB machine.</summary>
    public long WorkerMemoryBytes { get; init; } = 3L << 30;

    /// <summary>How a job's worker is started: this program ("aisp"), which then runs "process" on the file, so a crash in one job never takes the server or the queue with it.</summary>
    public IReadOnlyList<string> JobCommand { get; init; } = DefaultJobCommand();

    /// <summary>The face library the dashboard and /api/v1/faces manage: the one the filters' "face_library" setting names (default: the CLI's).</summary>
    public string FaceLibraryPath { get; init; } = Aisp.Core.Identities.FaceLibrary.DefaultPath();

    /// <summary>An enrolment photo is a picture, not a video: 20 MiB is plenty.</summary>
    public long MaxFacePhotoBytes { get; init; } = 20L << 20;

    /// <summary>
    /// The assistant's language model, if any: "ollama=http://127.0.0.1:11434#MODEL" (an Ollama server
    /// the user runs) or "gguf=/path/model.gguf" (loaded in this process). None: the rules alone.
    /// </summary>
    public string? AssistantModel { get; init; }

    /// <summary>How long a model may think before the rules answer instead.</summary>
    public TimeSpan AssistantDeadline { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long after an applied strategy its latency, fps and errors are measured for the history (the "following minute").</summary>
    public TimeSpan AssistantMeasureWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Who "me" is in instructions: the user's name in the face library (--me).</summary>
    public string? SelfName { get; init; }

    public string AssistantHistoryPath => Path.Combine(DataDir, "assistant.db");

    public string DatabasePath => Path.Combine(DataDir, "server.db");

    public string JobsDir => Path.Combine(DataDir, "jobs");

    public string SigningKeyPath => Path.Combine(DataDir, "signing.key");

    private static string[] DefaultJobCommand()
    {
        string self = Environment.ProcessPath ?? "aisp";
        return Path.GetFileNameWithoutExtension(self) == "dotnet" && System.Reflection.Assembly.GetEntryAssembly()?.Location is { Length: > 0 } dll
            ? [self, dll] // run as "dotnet aisp.dll"
            : [self];
    }

    private static string DefaultDataDir()
    {
        return Path.Combine(Aisp.Core.Platform.HostPlatform.UserDataDir(), "server");
    }
}
