using Microsoft.ML.OnnxRuntime;

namespace Aisp.Core.Inference;

/// <summary>
/// The one ONNX Runtime environment of the process, made with its telemetry off. The bundled
/// runtime otherwise writes a device id and an event queue under
/// ~/.cache/Microsoft/DeveloperTools/.onnxruntime and contacts Microsoft's telemetry host: a face
/// filter in a streamer's OBS must send nothing anywhere. ONNX Runtime reads ORT_DISABLE_TELEMETRY
/// once, when it initialises, through the C library's getenv: .NET's own SetEnvironmentVariable
/// does not reach that on Unix, so the variable is set with setenv. Every use of ONNX Runtime goes
/// through <see cref="Env"/> first, so nothing of it starts before telemetry is off.
/// </summary>
public static class OrtSetup
{
    public const string DisableVariable = "ORT_DISABLE_TELEMETRY";

    private static readonly Lazy<OrtEnv> Instance = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    public static OrtEnv Env
    {
        get
        {
            try
            {
                return Instance.Value;
            }
            catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
            {
                throw new AispException(ErrorKind.Model, $"ONNX Runtime could not be loaded: {e.Message}", e);
            }
        }
    }

    private static OrtEnv Create()
    {
        if (Environment.GetEnvironmentVariable(DisableVariable) == "1" && !OperatingSystem.IsWindows())
        {
            // The host set it before loading us (the OBS plugin does, at module load): changing the
            // environment of a running multi-threaded process is best avoided.
        }
        else if (!Platform.NativeEnvironment.Set(DisableVariable, "1"))
        {
            throw new AispException(ErrorKind.Internal, $"could not set {DisableVariable}: ONNX Runtime is not started with telemetry on");
        }

        OrtEnv env = OrtEnv.Instance();
        env.DisableTelemetryEvents(); // the API switch as well, for runtimes that do not read the variable
        return env;
    }
}
