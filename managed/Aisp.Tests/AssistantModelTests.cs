using System.Text.Json;
using System.Text.Json.Nodes;
using Aisp.Assistant;
using Aisp.Core.Assistant;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aisp.Tests;

/// <summary>
/// The assistant's language-model path: OllamaSharp against a fake Ollama server on loopback (the
/// request carries the strategy's JSON schema; a valid answer is used; invalid, failing and slow
/// answers fall back to the rules), and LLamaSharp on a tiny random-weight GGUF the test writes,
/// whose grammar holds the answer to the shape.
/// </summary>
public sealed class AssistantModelTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly SystemStatus Status = new()
    {
        CpuPercent = 20,
        Providers = ["CPUExecutionProvider"],
        Current = new JsonObject { ["engine"] = "privacy", ["face_library"] = "/faces.db" },
        KnownPeople = ["Alex"],
    };

    private WebApplication _ollama = null!;
    private Uri _url = null!;
    private string _answer = "";
    private TimeSpan _delay;
    private JsonObject? _lastRequest;

    public async Task InitializeAsync()
    {
        WebApplicationBuilder b = WebApplication.CreateSlimBuilder();
        b.WebHost.UseUrls("http://127.0.0.1:0");
        _ollama = b.Build();
        _ollama.MapPost("/api/chat", async (HttpContext c) =>
        {
            JsonObject request = (await JsonNode.ParseAsync(c.Request.Body))!.AsObject();
            _lastRequest = request;
            await Task.Delay(_delay, c.RequestAborted);
            var message = new JsonObject { ["role"] = "assistant", ["content"] = _answer };
            var done = new JsonObject
            {
                ["model"] = request["model"]?.DeepClone(), ["created_at"] = "2026-12-02T00:00:00Z", ["message"] = message,
                ["done"] = true, ["done_reason"] = "stop", ["total_duration"] = 1, ["eval_count"] = 1,
            };
            c.Response.ContentType = "application/x-ndjson";
            await c.Response.WriteAsync(done.ToJsonString() + "\n");
        });
        await _ollama.StartAsync();
        _url = new Uri(_ollama.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync() => await _ollama.DisposeAsync();

    [Fact]
    public async Task An_ollama_answer_in_the_shape_is_used_and_the_request_carries_the_schema()
    {
        _answer = """{"engine":"privacy","quality":"balanced","smoothing":"keep","keep_expression":"keep","privacy_mode":"blur","privacy_rule":"except_listed","privacy_identities":["Alex"],"reason":"cover guests, not the host"}""";
        Strategy s = await Ollama().PlanAsync("blur everyone except me", Status, [], CancellationToken.None);
        Assert.Null(s.Fallback);
        Assert.Equal("ollama:tiny", s.Planner);
        Assert.Equal("""{"engine":"privacy","quality":"balanced","privacy_mode":"blur","privacy_rule":"except_listed","privacy_identities":["Alex"]}""", s.Settings.ToJsonString());
        Assert.All(s.Choices, c => Assert.Equal("cover guests, not the host", c.Reason));
        Assert.Contains(s.Choices.Single(c => c.Setting == "privacy_mode").Candidates, c => c.StartsWith("rules: \"blur\"", StringComparison.Ordinal));

        // Ollama was asked for exactly the strategy's shape: its JSON schema as "format", with the library's names.
        JsonNode format = _lastRequest!["format"]!;
        Assert.Equal("object", (string?)format["type"]);
        Assert.Contains("privacy_rule", format["required"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(["Alex"], format["properties"]!["privacy_identities"]!["items"]!["enum"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("tiny", (string?)_lastRequest["model"]);
    }

    public static TheoryData<string, string> BadAnswers => new()
    {
        { "Sure! I would blur everyone.", "not JSON" },
        { """{"engine":"privacy"}""", "\"quality\" is missing" },
        { """{"engine":"hologram","quality":"balanced","smoothing":"keep","keep_expression":"keep","privacy_mode":"keep","privacy_rule":"keep","privacy_identities":[],"reason":"x"}""", "not one of" },
        { """{"engine":"keep","quality":"keep","smoothing":"keep","keep_expression":"keep","privacy_mode":"keep","privacy_rule":"except_listed","privacy_identities":["Mallory"],"reason":"x"}""", "not in the face library" },
        { """{"engine":"keep","quality":"keep","smoothing":"keep","keep_expression":"keep","privacy_mode":"keep","privacy_rule":"except_listed","privacy_identities":[],"reason":"x"}""", "needs named people" },
        { """{"engine":"inswapper","quality":"keep","smoothing":"keep","keep_expression":"keep","privacy_mode":"keep","privacy_rule":"keep","privacy_identities":[],"reason":"x"}""", "needs its weights" },
    };

    [Theory]
    [MemberData(nameof(BadAnswers))]
    public async Task Invalid_model_answers_fall_back_to_the_rules_and_say_why(string answer, string why)
    {
        _answer = answer;
        Strategy s = await Ollama().PlanAsync("blur everyone except me", Status, [], CancellationToken.None);
        Assert.Equal("rules", s.Planner);
        Assert.Contains(why, s.Fallback, StringComparison.Ordinal);
        Assert.Equal(answer, s.ModelAnswer);
        Assert.Equal("except_listed", (string?)s.Settings["privacy_rule"]); // the rules' strategy, whole
        Assert.Equal("blur", (string?)s.Settings["privacy_mode"]);
    }

    [Fact]
    public async Task A_slow_or_unreachable_model_falls_back_to_the_rules_within_the_deadline()
    {
        _answer = """{"engine":"none","quality":"keep","smoothing":"keep","keep_expression":"keep","privacy_mode":"keep","privacy_rule":"keep","privacy_identities":[],"reason":"late"}""";
        _delay = TimeSpan.FromSeconds(10);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Strategy s = await Ollama(TimeSpan.FromMilliseconds(500)).PlanAsync("make the swap smoother", Status, [], CancellationToken.None);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal("rules", s.Planner);
        Assert.Contains("did not answer within 0.5 s", s.Fallback, StringComparison.Ordinal);
        Assert.Equal(0.9, (double)s.Settings["smoothing"]!);

        ModelPlanner nobody = ChatModels.Ollama(new Uri("http://127.0.0.1:9"), "tiny", TimeSpan.FromSeconds(5), NullLogger.Instance);
        Strategy unreachable = await nobody.PlanAsync("make the swap smoother", Status, [], CancellationToken.None);
        Assert.Equal("rules", unreachable.Planner);
        Assert.Contains("failed", unreachable.Fallback, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tiny_random_gguf_answers_in_the_strategy_shape_through_its_grammar()
    {
        string dir = Directory.CreateTempSubdirectory("aisp-gguf-").FullName;
        try
        {
            string path = Path.Combine(dir, "tiny.gguf");
            TinyGguf.Write(path);
            (ModelPlanner planner, IDisposable model) = ChatModels.Gguf(path, TimeSpan.FromSeconds(120), NullLogger.Instance, contextSize: 4096);
            using (model)
            {
                foreach (string instruction in (string[])["blur everyone except me", "换脸要更平滑一点"])
                {
                    Strategy s = await planner.PlanAsync(instruction, Status, [], CancellationToken.None);
                    Assert.StartsWith("gguf:tiny.gguf", s.Planner == "rules" ? "gguf:tiny.gguf" : s.Planner, StringComparison.Ordinal);

                    // The shape, not the content: every field present with one of its values, names from the library.
                    using JsonDocument answer = JsonDocument.Parse(s.ModelAnswer!);
                    JsonElement root = answer.RootElement;
                    string[] keys = ["engine", "quality", "smoothing", "keep_expression", "privacy_mode", "privacy_rule", "privacy_identities", "reason"];
                    Assert.Equal(keys, root.EnumerateObject().Select(p => p.Name));
                    Assert.Contains(root.GetProperty("engine").GetString(), (string[])["keep", "privacy", "morph", "inswapper", "none"]);
                    Assert.Contains(root.GetProperty("smoothing").GetString(), (string[])["keep", "0.5", "0.7", "0.9"]);
                    Assert.All(root.GetProperty("privacy_identities").EnumerateArray(), n => Assert.Equal("Alex", n.GetString()));
                    Assert.True(root.GetProperty("reason").GetString()!.Length <= AnswerShape.MaxReason);

                    // Whatever it meant, what comes out is valid: the model's choices, or the rules with the reason.
                    Assert.True(s.Fallback is null || s.Fallback.StartsWith("the model's answer:", StringComparison.Ordinal), s.Fallback);
                    StrategyPlanner.Validate(s.Settings, Status.Current);
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// The instruction table scores a model path the way it scores the rules: here the fake Ollama
    /// (it answers "keep" to everything, so only what the rules add outside the answer's shape
    /// scores) and the tiny random GGUF on a few rows; with AISP_ASSISTANT_TEST_MODEL
    /// ("ollama=URL#MODEL" or "gguf=FILE") a real local model on every row. The score is printed;
    /// what is asserted is that every strategy is valid whatever the model said.
    /// </summary>
    [Fact]
    public async Task The_instruction_table_scores_the_model_path()
    {
        _answer = """{"engine":"keep","quality":"keep","smoothing":"keep","keep_expression":"keep","privacy_mode":"keep","privacy_rule":"keep","privacy_identities":[],"reason":"as it is"}""";
        IReadOnlyList<InstructionCase> cases = InstructionTable.Load();
        int fake = await Score(ChatModels.Ollama(_url, "tiny", TimeSpan.FromSeconds(20), NullLogger.Instance), cases);
        output.WriteLine($"fake ollama (always \"keep\"): {fake} of {cases.Count}");
        Assert.InRange(fake, 1, cases.Count - 1); // the rules' other settings score; the kept engines and levels cannot

        string dir = Directory.CreateTempSubdirectory("aisp-gguf-score-").FullName;
        try
        {
            string path = Path.Combine(dir, "tiny.gguf");
            TinyGguf.Write(path);
            (ModelPlanner planner, IDisposable model) = ChatModels.Gguf(path, TimeSpan.FromSeconds(120), NullLogger.Instance, contextSize: 4096);
            using (model)
            {
                output.WriteLine($"tiny random gguf: {await Score(planner, cases.Take(3).ToList())} of 3");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        if (Environment.GetEnvironmentVariable("AISP_ASSISTANT_TEST_MODEL") is { Length: > 0 } real)
        {
            (ModelPlanner planner, IDisposable? loaded) = real.StartsWith("gguf=", StringComparison.Ordinal)
                ? ChatModels.Gguf(real[5..], TimeSpan.FromSeconds(60), NullLogger.Instance)
                : (ChatModels.Ollama(new Uri(real[7..real.IndexOf('#', StringComparison.Ordinal)]), real[(real.IndexOf('#', StringComparison.Ordinal) + 1)..], TimeSpan.FromSeconds(60), NullLogger.Instance), null);
            using (loaded)
            {
                output.WriteLine($"{real}: {await Score(planner, cases)} of {cases.Count}");
            }
        }
    }

    private static async Task<int> Score(ModelPlanner planner, IReadOnlyList<InstructionCase> cases)
    {
        int met = 0;
        foreach (InstructionCase c in cases)
        {
            SystemStatus status = InstructionTable.Status(c);
            Strategy s = await planner.PlanAsync(c.Instruction, status, [], CancellationToken.None);
            StrategyPlanner.Validate(s.Settings, c.Current);
            met += InstructionTable.Miss(c, s, checkUnderstood: false) is null ? 1 : 0;
        }

        return met;
    }

    private ModelPlanner Ollama(TimeSpan? deadline = null) => ChatModels.Ollama(_url, "tiny", deadline ?? TimeSpan.FromSeconds(20), NullLogger.Instance);
}
