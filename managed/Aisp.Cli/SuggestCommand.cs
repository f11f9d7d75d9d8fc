using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aisp.Assistant;
using Aisp.Core;
using Aisp.Core.Assistant;
using Aisp.Core.Identities;
using Microsoft.Extensions.Logging;

namespace Aisp.Cli;

/// <summary>
/// "aisp suggest": an instruction in plain language becomes a strategy (a settings change with a
/// reason per choice), here from this machine's status, or from the AISP server for a filter in OBS,
/// where --apply applies it (the operator's role).
/// </summary>
public static class SuggestCommand
{
    public const string Usage = """
        usage: aisp suggest "INSTRUCTION" [--settings JSON] [--library FILE] [--me NAME] [--history FILE]
                                          [--ollama URL --model NAME | --gguf FILE] [--deadline SECONDS]
               aisp suggest "INSTRUCTION" --server URL --source SOURCE --filter FILTER [--apply]

        Prints the strategy as JSON: the settings change, a reason per choice and the candidates weighed.
        Here: this machine's status (ONNX Runtime's providers, GPU memory, CPU load), the filter settings
        given with --settings, the people of the face library, and the history of applied strategies
        (default: the server's, ~/.local/share/aisp/server/assistant.db). --ollama (an Ollama server you
        run) or --gguf (a model file) ask a local language model; the rules answer when it is late (after
        --deadline, default 15 s) or its answer is not valid. English and Chinese instructions work.
        --server asks the AISP server about a filter in OBS (its measured latency and fps count; user and
        password from AISP_USER and AISP_PASSWORD); --apply applies the strategy (operator role).
        The strategy's "understood" is "all", "partly" (its "not_understood" lists the words, "can_do" what
        the assistant can do; the rest is in the settings) or "nothing" (no settings change).
        Exit codes: 0 ok, 2 bad usage, 4 model error, 7 history error, 8 the server refused or is unreachable,
        9 nothing in the instruction was understood, 10 only part of it was.
        """;

    /// <summary>The exit code a strategy's "understood" gives.</summary>
    public static int ExitFor(string? understood) => understood switch
    {
        "nothing" => ExitCodes.NothingUnderstood,
        "partly" => ExitCodes.PartlyUnderstood,
        _ => ExitCodes.Ok,
    };

    public static async Task<int> RunAsync(string[] args, ILoggerFactory loggers)
    {
        string? instruction = null, settings = null, library = null, me = null, history = null, ollama = null, model = null, gguf = null, server = null, source = null, filter = null;
        double deadline = 15;
        bool apply = false;
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] == "--apply")
            {
                apply = true;
                continue;
            }

            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                instruction = instruction is null ? args[i] : throw Usage_("give the instruction as one argument (in quotes)");
                continue;
            }

            string option = args[i];
            string value = i + 1 < args.Length ? args[++i] : throw Usage_($"{option} needs a value");
            switch (option)
            {
                case "--settings": settings = value; break;
                case "--library": library = value; break;
                case "--me": me = value; break;
                case "--history": history = value; break;
                case "--ollama": ollama = value; break;
                case "--model": model = value; break;
                case "--gguf": gguf = value; break;
                case "--server": server = value; break;
                case "--source": source = value; break;
                case "--filter": filter = value; break;
                case "--deadline":
                    deadline = double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out double d) && d is > 0 and <= 600 ? d : throw Usage_("--deadline needs seconds, 0 to 600");
                    break;
                default: throw Usage_($"unknown option {option}");
            }
        }

        if (string.IsNullOrWhiteSpace(instruction))
        {
            throw Usage_("suggest needs an instruction, e.g. aisp suggest \"blur everyone except me\"");
        }

        if (server is not null)
        {
            return source is not null && filter is not null
                ? await Remote(new Uri(server), instruction, source, filter, apply)
                : throw Usage_("--server needs --source and --filter: the filter in OBS");
        }

        if (apply)
        {
            throw Usage_("--apply changes a filter in OBS: it needs --server, --source and --filter");
        }

        return await Local(instruction, settings, library ?? FaceLibrary.DefaultPath(), me, history ?? StrategyHistory.DefaultPath(), ollama, model, gguf, TimeSpan.FromSeconds(deadline), loggers);
    }

    private static async Task<int> Local(string instruction, string? settings, string library, string? me, string historyPath, string? ollama, string? model, string? gguf,
        TimeSpan deadline, ILoggerFactory loggers)
    {
        JsonObject current;
        try
        {
            current = settings is null ? [] : JsonNode.Parse(settings) as JsonObject ?? throw Usage_("--settings must be a JSON object");
        }
        catch (JsonException e)
        {
            throw Usage_($"--settings is not JSON: {e.Message}");
        }

        StrategyPlanner.Validate(current, []); // the filter's settings as the core reads them
        List<string> people = [];
        if (File.Exists(library))
        {
            using FaceLibrary faces = FaceLibrary.Open(library, create: false, readOnly: true);
            people = faces.List().Select(r => r.Name).ToList();
        }

        SystemStatus status = SystemStatus.Probe(TimeSpan.FromMilliseconds(500)) with { Current = current, KnownPeople = people, SelfName = me };
        IReadOnlyList<HistoryRecord> history = File.Exists(historyPath) ? StrategyHistory.Open(historyPath).Recent() : [];
        ILogger log = loggers.CreateLogger("Aisp.Assistant");
        Strategy strategy;
        if (ollama is not null || gguf is not null)
        {
            if (ollama is not null && (gguf is not null || model is null))
            {
                throw Usage_("--ollama needs --model NAME, and goes without --gguf");
            }

            IDisposable? loaded = null;
            ModelPlanner planner;
            if (ollama is not null)
            {
                planner = ChatModels.Ollama(new Uri(ollama), model!, deadline, log);
            }
            else
            {
                (planner, loaded) = ChatModels.Gguf(gguf!, deadline, log);
            }

            using (loaded)
            {
                strategy = await planner.PlanAsync(instruction, status, history, CancellationToken.None);
            }
        }
        else
        {
            strategy = StrategyPlanner.Plan(instruction, InstructionRules.Parse(instruction, people), status, history);
        }

        Console.WriteLine(strategy.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        return ExitFor(strategy.Understood);
    }

    private static async Task<int> Remote(Uri server, string instruction, string source, string filter, bool apply)
    {
        string user = Environment.GetEnvironmentVariable("AISP_USER") ?? "";
        string password = Environment.GetEnvironmentVariable("AISP_PASSWORD") ?? "";
        if (user.Length == 0 || password.Length == 0)
        {
            throw Usage_("--server needs AISP_USER and AISP_PASSWORD in the environment (never on the command line)");
        }

        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromMinutes(2) };
        try
        {
            using HttpResponseMessage login = await http.PostAsJsonAsync("/api/v1/auth/login", new { username = user, password });
            JsonNode? token = await Answer(login);
            if (token is null)
            {
                return ExitCodes.Server;
            }

            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string?)token["access_token"]);
            using HttpResponseMessage r = await http.PostAsJsonAsync(apply ? "/api/v1/assistant/apply" : "/api/v1/assistant/suggest", new { instruction, source, filter });
            JsonNode? strategy = await Answer(r);
            if (strategy is null)
            {
                return ExitCodes.Server;
            }

            Console.WriteLine(strategy.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            return ExitFor((string?)(strategy["strategy"] ?? strategy)["understood"]);
        }
        catch (HttpRequestException e)
        {
            Console.Error.WriteLine($"aisp: error: the server {server} cannot be reached: {e.Message}");
            return ExitCodes.Server;
        }
    }

    /// <summary>The answer's JSON, or null after printing the server's error (its code and message) on stderr.</summary>
    private static async Task<JsonNode?> Answer(HttpResponseMessage r)
    {
        string text = await r.Content.ReadAsStringAsync();
        JsonNode? json = null;
        try
        {
            json = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            // reported below
        }

        if (r.IsSuccessStatusCode && json is not null)
        {
            return json;
        }

        string why = json?["error"] is JsonNode e ? $"{(string?)e["code"]}: {(string?)e["message"]} ({(string?)e["details"]?["reason"]})" : $"HTTP {(int)r.StatusCode}";
        Console.Error.WriteLine($"aisp: error: the server refused: {why}");
        return null;
    }

    private static AispException Usage_(string message) => new(ErrorKind.InvalidArgument, message + " (see 'aisp suggest --help')");
}
