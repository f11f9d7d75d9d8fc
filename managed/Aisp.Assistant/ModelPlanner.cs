using System.Diagnostics;
using System.Text.Json.Nodes;
using Aisp.Core;
using Aisp.Core.Assistant;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Aisp.Assistant;

/// <summary>
/// A strategy from a language model (any IChatClient), held to the answer's shape and validated;
/// the rules stand in when the model is late, fails or answers something invalid, and the strategy
/// says why. A model's output is never applied unvalidated.
/// </summary>
public sealed class ModelPlanner(IChatClient client, string name, TimeSpan deadline, ILogger log, Func<AnswerShape, ChatOptions>? options = null)
{
    public string Name => name;

    public async Task<Strategy> PlanAsync(string instruction, SystemStatus status, IReadOnlyList<HistoryRecord> history, CancellationToken ct)
    {
        Strategy rules = StrategyPlanner.Plan(instruction, InstructionRules.Parse(instruction, status.KnownPeople), status, history);
        var shape = new AnswerShape(status.KnownPeople);
        ChatOptions chat = options?.Invoke(shape) ?? new ChatOptions();
        chat.ResponseFormat ??= ChatResponseFormat.ForJsonSchema(shape.JsonSchema(), "aisp_strategy", "settings for the AISP face filter");
        chat.Temperature ??= 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(deadline);
        var clock = Stopwatch.StartNew();
        string? fallback, answer = null;
        try
        {
            ChatResponse response = await client.GetResponseAsync(Prompt(instruction, status, rules, history), chat, timeout.Token);
            answer = response.Text;
            List<StrategyChoice> choices = shape.Read(answer, status, rules);
            choices.AddRange(rules.Choices.Where(c => !AnswerShape.Covers(c.Setting))); // what the shape cannot say, the rules' reading says
            log.LogInformation("Assistant: {Model} answered in {Ms} ms with {Count} choices", name, clock.ElapsedMilliseconds, choices.Count);
            // What the words ask for is the rules' reading too: the model's answer fills the settings, the rules say what they could not place.
            return new Strategy(instruction, name, choices, status) { ModelAnswer = answer, NotUnderstood = rules.NotUnderstood, Language = rules.Language, NothingUnderstood = rules.NothingUnderstood && choices.Count == 0 };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            fallback = $"{name} did not answer within {deadline.TotalSeconds:0.#} s";
        }
        catch (AispException e)
        {
            fallback = e.Message;
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or System.Text.Json.JsonException or IOException)
        {
            fallback = $"{name} failed: {e.Message}";
        }

        log.LogWarning("Assistant: the rules stand in for {Model}: {Why}", name, fallback);
        return rules with { Fallback = fallback, ModelAnswer = answer };
    }

    /// <summary>What the model is told: its job, the choices and the numbers, and what the rules would do.</summary>
    private static List<ChatMessage> Prompt(string instruction, SystemStatus status, Strategy rules, IReadOnlyList<HistoryRecord> history)
    {
        var facts = new JsonObject
        {
            ["status"] = status.ToJson(),
            ["current_settings"] = status.Current.DeepClone(),
            ["face_library_people"] = new JsonArray(status.KnownPeople.Select(p => (JsonNode)p).ToArray()),
            ["rules_suggest"] = rules.Settings,
            ["history"] = new JsonArray(history.Take(10).Select(h => (JsonNode)h.ToJson()).ToArray()),
        };
        return
        [
            new ChatMessage(ChatRole.System, """
                You configure AISP, a real-time face filter for OBS Studio. Engines: privacy (blur or pixelate
                faces), morph (mesh face swap, light), inswapper (model face swap, needs a GPU over 4 GB and its
                weights), none. Quality: quality, balanced, performance. Smoothing 0.5-0.9 steadies landmarks.
                Rules of thumb: CPU load under 30 % allows quality, 30-60 % balanced, over 60 % performance.
                Answer with JSON only, in the given shape; "keep" leaves a setting as it is.
                """),
            new ChatMessage(ChatRole.User, $"Instruction: {instruction}\nFacts: {facts.ToJsonString()}"),
        ];
    }
}
