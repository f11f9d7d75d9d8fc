using Aisp.Core;
using Aisp.Server;

namespace Aisp.Cli;

/// <summary>
/// "aisp serve": the AISP server, in this process (OBS never hosts it). "--create-admin NAME" adds
/// the first admin, reading the password from standard input (there is no default password).
/// </summary>
public static class ServeCommand
{
    public const string Usage = """
        usage: aisp serve [--data DIR] [--urls URL] [--cert FILE.pfx|FILE.pem [--cert-key KEY.pem]] [--obs-url ws://HOST:PORT]
                          [--jobs-read DIR]... [--max-jobs N] [--face-library FILE]
                          [--assistant-model ollama=URL#MODEL|gguf=FILE] [--me NAME]
               aisp serve --create-admin NAME [--data DIR]      (password: first line of standard input)

        The REST API under /api/v1 (OpenAPI at /api/v1/openapi.json), loopback only by default
        (http://127.0.0.1:8765). --cert serves HTTPS, and only HTTPS, with that certificate (default
        address https://127.0.0.1:8765): a PFX, or PEM with the key inside or in --cert-key; a protected
        file's password comes from the AISP_CERT_PASSWORD environment variable.
        --data holds server.db (users, refresh tokens) and signing.key, both private to the user
        (default ~/.local/share/aisp/server). OBS is reached through its obs-websocket server
        (default ws://127.0.0.1:4455; its password from the AISP_OBS_PASSWORD environment variable).
        File jobs run at most --max-jobs at once (default 4), each in its own "aisp process" worker;
        their files live under DIR/jobs. A job may name a file by path only inside a --jobs-read
        folder (none by default: uploads only). --face-library is the library the dashboard and
        /api/v1/faces manage (default: aisp faces' own). The assistant (/api/v1/assistant) answers
        with rules, or asks --assistant-model (an Ollama server you run, or a GGUF file); --me is your
        name in the face library ("blur everyone except me"). The dashboard is at the server's address (/).
        """;

    public static int Run(string[] args)
    {
        string? data = null, urls = null, cert = null, certKey = null, admin = null, obs = null, library = null, model = null, me = null;
        int? maxJobs = null;
        var roots = new List<string>();
        for (int i = 1; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw Usage_($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--data": data = value; break;
                case "--urls": urls = value; break;
                case "--cert": cert = value; break;
                case "--cert-key": certKey = value; break;
                case "--create-admin": admin = value; break;
                case "--obs-url": obs = value; break;
                case "--jobs-read": roots.Add(Directory.Exists(value) ? Path.GetFullPath(value) : throw Usage_($"--jobs-read {value} is not a folder")); break;
                case "--assistant-model": model = value; break;
                case "--me": me = value; break;
                case "--face-library": library = Path.GetFullPath(value); break;
                case "--max-jobs": maxJobs = int.TryParse(value, out int n) && n is > 0 and <= 64 ? n : throw Usage_("--max-jobs needs a number from 1 to 64"); break;
                default: throw Usage_($"unknown option {args[i]}");
            }

            i++;
        }

        var options = new ServerOptions();
        options = options with
        {
            DataDir = data ?? options.DataDir,
            Urls = urls ?? (cert is null ? options.Urls : ServerOptions.DefaultHttpsUrl),
            CertificatePath = cert,
            CertificateKeyPath = certKey,
            JobInputRoots = roots,
            MaxConcurrentJobs = maxJobs ?? options.MaxConcurrentJobs,
            FaceLibraryPath = library ?? options.FaceLibraryPath,
            AssistantModel = model,
            SelfName = me,
            ObsUrl = obs is null ? options.ObsUrl : Uri.TryCreate(obs, UriKind.Absolute, out Uri? u) && u.Scheme is "ws" or "wss" ? u : throw Usage_($"--obs-url {obs} is not a ws:// or wss:// address"),
        };
        if (admin is not null)
        {
            string password = Console.In.ReadLine() ?? "";
            try
            {
                if (!ServerApp.CreateAdmin(options, admin, password))
                {
                    Console.Error.WriteLine($"aisp: error: user '{admin}' exists");
                    return ExitCodes.Usage;
                }
            }
            catch (ArgumentException e)
            {
                throw Usage_(e.Message);
            }

            Console.Error.WriteLine($"aisp: admin '{admin}' created in {options.DatabasePath}");
            return ExitCodes.Ok;
        }

        ServerApp.Build(options).Run();
        return ExitCodes.Ok;
    }

    private static AispException Usage_(string message) => new(ErrorKind.InvalidArgument, $"serve: {message}");
}
