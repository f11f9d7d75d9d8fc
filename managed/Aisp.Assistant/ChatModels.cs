using Aisp.Core;
using LLama;
using LLama.Abstractions;
using LLama.Common;
using LLama.Sampling;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using OllamaSharp;

namespace Aisp.Assistant;

/// <summary>
/// The local language models the assistant can use, both as Microsoft.Extensions.AI IChatClients:
/// an Ollama server the user runs (OllamaSharp; the answer's JSON schema goes as Ollama's "format"),
/// or a GGUF file the user names, run in process by LLamaSharp with the answer's GBNF grammar.
/// </summary>
public static class ChatModels
{
    public static ModelPlanner Ollama(Uri server, string model, TimeSpan deadline, ILogger log) =>
        new(new OllamaApiClient(server, model), $"ollama:{model}", deadline, log);

    /// <summary>Loads a GGUF model (CPU); the caller disposes the returned handle with the planner's lifetime.</summary>
    public static (ModelPlanner Planner, IDisposable Model) Gguf(string path, TimeSpan deadline, ILogger log, int maxTokens = 400, uint contextSize = 2048)
    {
        if (!File.Exists(path))
        {
            throw new AispException(ErrorKind.Model, $"GGUF model {path} does not exist");
        }

        // llama.cpp writes pages of loading details to stderr; they belong in our log, at debug level.
        LLama.Native.NativeLogConfig.llama_log_set((level, message) => log.LogDebug("llama.cpp {Level}: {Message}", level, message.TrimEnd()));
        var parameters = new ModelParams(path) { ContextSize = contextSize, GpuLayerCount = 0 };
        LLamaWeights weights;
        try
        {
            weights = LLamaWeights.LoadFromFile(parameters);
        }
        catch (Exception e) when (e is LLama.Exceptions.RuntimeError or LLama.Exceptions.LoadWeightsFailedException)
        {
            throw new AispException(ErrorKind.Model, $"GGUF model {path} cannot be loaded: {e.Message}", e);
        }

        ILLamaExecutor executor = new StatelessExecutor(weights, parameters);
        IChatClient client = executor.AsChatClient();
        var planner = new ModelPlanner(client, $"gguf:{Path.GetFileName(path)}", deadline, log, shape => new ChatOptions
        {
            MaxOutputTokens = maxTokens,
            // LLamaSharp's chat client takes its sampling from here: the grammar holds the answer to the shape.
            RawRepresentationFactory = _ => new InferenceParams { SamplingPipeline = new DefaultSamplingPipeline { Grammar = new Grammar(shape.Gbnf(), "root") } },
        });
        return (planner, weights);
    }
}
