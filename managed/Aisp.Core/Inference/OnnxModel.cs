using Aisp.Core.Models;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Aisp.Core.Inference;

/// <summary>
/// One ONNX session with its input and output tensors allocated once and bound by name, so a
/// steady-state <see cref="Run"/> allocates nothing. Output shapes are checked against what the
/// caller expects at load time, so a wrong model fails loudly then, not per frame.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;
    private readonly float[][] _outputBuffers;

    public OnnxModel(ModelEntry entry, string inputName, long[] inputShape, IReadOnlyList<(string Name, long[] Shape)> outputs,
        string wantedProvider, int threads, ILogger logger)
    {
        byte[] bytes = ModelFile.ReadVerified(entry);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = Math.Max(1, threads),
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, // tf2onnx leftovers make ORT warn on every load
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0"); // OBS shares the CPU: no busy-waiting
        ExecutionProvider = ExecutionProviderChoice.Apply(options, wantedProvider, logger);
        try
        {
            _session = new InferenceSession(bytes, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new AispException(ErrorKind.Model, $"model '{entry.Name}' ({entry.FilePath}) cannot be loaded: {e.Message}", e);
        }

        try
        {
            Check(entry, "input", _session.InputMetadata, inputName, inputShape);
            foreach ((string name, long[] shape) in outputs)
            {
                Check(entry, "output", _session.OutputMetadata, name, shape);
            }
        }
        catch
        {
            _session.Dispose();
            throw;
        }

        Input = new float[Product(inputShape)];
        _inputNames = [inputName];
        _inputs = [OrtValue.CreateTensorValueFromMemory(Input, inputShape)];
        _outputNames = new string[outputs.Count];
        _outputs = new OrtValue[outputs.Count];
        _outputBuffers = new float[outputs.Count][];
        for (int i = 0; i < outputs.Count; i++)
        {
            _outputNames[i] = outputs[i].Name;
            _outputBuffers[i] = new float[Product(outputs[i].Shape)];
            _outputs[i] = OrtValue.CreateTensorValueFromMemory(_outputBuffers[i], outputs[i].Shape);
        }

        logger.LogInformation("Loaded model {Model} from {Source} ({Licence}) on {Provider}", entry.Name, entry.Source, entry.Licence, ExecutionProvider);
    }

    /// <summary>The input tensor's storage; fill it, then call <see cref="Run"/>.</summary>
    public float[] Input { get; }

    /// <summary>Provider actually in effect for this session ("cpu", "cuda", "directml").</summary>
    public string ExecutionProvider { get; }

    public ReadOnlySpan<float> Output(int index) => _outputBuffers[index];

    public void Run()
    {
        try
        {
            _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);
        }
        catch (OnnxRuntimeException e)
        {
            throw new AispException(ErrorKind.Inference, $"inference failed: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        foreach (OrtValue v in _inputs)
        {
            v.Dispose();
        }

        foreach (OrtValue v in _outputs)
        {
            v.Dispose();
        }

        _runOptions.Dispose();
        _session.Dispose();
    }

    private static void Check(ModelEntry entry, string kind, IReadOnlyDictionary<string, NodeMetadata> metadata, string name, long[] shape)
    {
        if (!metadata.TryGetValue(name, out NodeMetadata? meta))
        {
            throw new AispException(ErrorKind.Model, $"model '{entry.Name}' has no {kind} named '{name}' (it has {string.Join(", ", metadata.Keys)})");
        }

        if (meta.ElementType != typeof(float))
        {
            throw new AispException(ErrorKind.Model, $"model '{entry.Name}' {kind} '{name}' is {meta.ElementType.Name}, expected float");
        }

        int[] dims = meta.Dimensions;
        bool ok = dims.Length == shape.Length;
        for (int i = 0; ok && i < dims.Length; i++)
        {
            ok = dims[i] <= 0 || dims[i] == shape[i]; // symbolic dimensions accept any size
        }

        if (!ok)
        {
            throw new AispException(ErrorKind.Model, $"model '{entry.Name}' {kind} '{name}' has shape [{string.Join(",", dims)}], expected [{string.Join(",", shape)}]");
        }
    }

    private static int Product(long[] shape)
    {
        long n = 1;
        foreach (long d in shape)
        {
            n *= d;
        }

        return checked((int)n);
    }
}
