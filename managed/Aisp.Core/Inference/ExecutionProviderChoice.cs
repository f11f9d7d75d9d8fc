using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Aisp.Core.Inference;

/// <summary>
/// Picks the ONNX Runtime execution provider at run time from what the loaded runtime reports
/// (CPU with the plain package, CUDA with the GPU package, DirectML in a Windows build, CoreML on
/// macOS; "auto" tries them in <see cref="Platform.HostPlatform.AutoProviders"/>'s order) and
/// configures session options for it. The name returned is the provider actually in effect.
/// </summary>
public static class ExecutionProviderChoice
{
    public const string Auto = "auto";

    /// <summary>Setting values accepted for execution_provider.</summary>
    public static readonly string[] SettingValues = [Auto, "cpu", "cuda", "directml", "coreml"];

    public static IReadOnlyList<string> Available()
    {
        OrtEnv env = OrtSetup.Env;
        try
        {
            return env.GetAvailableProviders();
        }
        catch (OnnxRuntimeException e)
        {
            throw new AispException(ErrorKind.Model, $"ONNX Runtime could not list its execution providers: {e.Message}", e);
        }
    }

    /// <summary>Applies the wanted provider to options; falls back to CPU (with a warning) when it cannot be used.</summary>
    public static string Apply(SessionOptions options, string wanted, ILogger logger)
    {
        IReadOnlyList<string> available = Available();
        bool has(string p) => available.Contains(p);
        IReadOnlyList<string> order = wanted switch
        {
            "cuda" => [Platform.HostPlatform.Cuda],
            "directml" => [Platform.HostPlatform.DirectMl],
            "coreml" => [Platform.HostPlatform.CoreMl],
            "cpu" => [],
            _ => Platform.HostPlatform.AutoProviders,
        };
        foreach (string provider in order)
        {
            if (!has(provider))
            {
                if (wanted != Auto)
                {
                    logger.LogWarning("Execution provider {Provider} is not in this ONNX Runtime (it has {Available}); using CPU", provider, string.Join(", ", available));
                }

                continue;
            }

            try
            {
                switch (provider)
                {
                    case Platform.HostPlatform.Cuda:
                        options.AppendExecutionProvider_CUDA(0);
                        return "cuda";
                    case Platform.HostPlatform.CoreMl:
                        options.AppendExecutionProvider("CoreML");
                        return "coreml";
                    default:
                        options.AppendExecutionProvider("DML");
                        return "directml";
                }
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException or NotSupportedException)
            {
                logger.LogWarning("Execution provider {Provider} failed to start ({Message}); using CPU", provider, e.Message);
            }
        }

        return "cpu";
    }
}
