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
    private readonly OrtIoBinding _binding;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;
    private readonly float[][] _inputBuffers;
    private readonly float[][] _outputBuffers;

    /// <summary>Name that stands for "the model's only input" or "only output" (user-supplied models name them freely).</summary>
    public const string Only = "*";

    public OnnxModel(ModelEntry entry, string inputName, long[] inputShape, IReadOnlyList<(string Name, long[] Shape)> outputs,
        string wantedProvider, int threads, ILogger logger)
        : this(entry, [(inputName, inputShape)], outputs, wantedProvider, threads, logger)
    {
    }

    public OnnxModel(ModelEntry entry, IReadOnlyList<(string Name, long[] Shape)> inputs, IReadOnlyList<(string Name, long[] Shape)> outputs,
        string wantedProvider, int threads, ILogger logger)
    {
        byte[] bytes = ModelFile.ReadVerified(entry);
        _ = OrtSetup.Env; // telemetry off before the first session
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
            _inputNames = new string[inputs.Count];
            for (int i = 0; i < inputs.Count; i++)
            {
                _inputNames[i] = Check(entry, "input", _session.InputMetadata, inputs[i].Name, inputs[i].Shape);
            }

            _outputNames = new string[outputs.Count];
            for (int i = 0; i < outputs.Count; i++)
            {
                _outputNames[i] = Check(entry, "output", _session.OutputMetadata, outputs[i].Name, outputs[i].Shape);
            }
        }
        catch
        {
            _session.Dispose();
            throw;
        }

        _inputBuffers = new float[inputs.Count][];
        _inputs = new OrtValue[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            _inputBuffers[i] = new float[Product(inputs[i].Shape)];
            _inputs[i] = OrtValue.CreateTensorValueFromMemory(_inputBuffers[i], inputs[i].Shape);
        }

        Input = _inputBuffers[0];
        _outputs = new OrtValue[outputs.Count];
        _outputBuffers = new float[outputs.Count][];
        for (int i = 0; i < outputs.Count; i++)
        {
            _outputBuffers[i] = new float[Product(outputs[i].Shape)];
            _outputs[i] = OrtValue.CreateTensorValueFromMemory(_outputBuffers[i], outputs[i].Shape);
        }

        // Bound once: a run then passes no names or arrays, so it allocates nothing per frame.
        _binding = _session.CreateIoBinding();
        for (int i = 0; i < _inputs.Length; i++)
        {
            _binding.BindInput(_inputNames[i], _inputs[i]);
        }

        for (int i = 0; i < _outputs.Length; i++)
        {
            _binding.BindOutput(_outputNames[i], _outputs[i]);
        }

        logger.LogInformation("Loaded model {Model} from {Source} ({Licence}) on {Provider}", entry.Name, entry.Source, entry.Licence, ExecutionProvider);
    }

    /// <summary>The first input tensor's storage; fill it, then call <see cref="Run"/>.</summary>
    public float[] Input { get; }

    /// <summary>Storage of input <paramref name="index"/> in the order given to the constructor.</summary>
    public float[] InputAt(int index) => _inputBuffers[index];

    /// <summary>Provider actually in effect for this session ("cpu", "cuda", "directml", "coreml").</summary>
    public string ExecutionProvider { get; }

    public ReadOnlySpan<float> Output(int index) => _outputBuffers[index];

    public void Run()
    {
        try
        {
            _session.RunWithBinding(_runOptions, _binding);
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

        _binding.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>Checks a named input or output against the expected shape; returns its actual name.</summary>
    private static string Check(ModelEntry entry, string kind, IReadOnlyDictionary<string, NodeMetadata> metadata, string name, long[] shape)
    {
        if (name == Only)
        {
            if (metadata.Count != 1)
            {
                throw new AispException(ErrorKind.Model, $"model '{entry.Name}' has {metadata.Count} {kind}s ({string.Join(", ", metadata.Keys)}); expected exactly one");
            }

            name = metadata.Keys.First();
        }

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

        return name;
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
