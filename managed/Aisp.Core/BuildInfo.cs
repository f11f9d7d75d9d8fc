using System.Reflection;
using System.Text.Json.Nodes;
using Aisp.Core.Inference;

namespace Aisp.Core;

/// <summary>
/// What this build is: the product's version, the commit it was built from, the C ABI it speaks,
/// and the ONNX Runtime it runs with its execution providers (for `aisp --version`, the server's
/// /api/v1/system and bug reports).
/// </summary>
public static class BuildInfo
{
    /// <summary>The C ABI (interop/aisp.h's AISP_ABI_VERSION); the export layer's mirror is this number.</summary>
    public const uint AbiVersion = 12;

    private static readonly string Informational =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static string Version => Informational.Split('+')[0];

    /// <summary>The commit built (the SDK reads it from git into the informational version), shortened to 12 hex digits; "unknown" outside a git checkout.</summary>
    public static string Commit => Informational.Contains('+', StringComparison.Ordinal) && Informational[(Informational.IndexOf('+', StringComparison.Ordinal) + 1)..] is { Length: >= 12 } c
        ? c[..12] : "unknown";

    /// <summary>Version, commit, ABI, and ONNX Runtime's version and providers (the runtime is loaded to ask it; "unavailable" when it cannot be).</summary>
    public static JsonObject Describe()
    {
        var json = new JsonObject { ["version"] = Version, ["commit"] = Commit, ["abi"] = AbiVersion };
        try
        {
            json["onnxruntime"] = OrtSetup.Env.GetVersionString();
            json["providers"] = new JsonArray(OrtSetup.Env.GetAvailableProviders().Select(p => (JsonNode)p).ToArray());
        }
        catch (AispException e)
        {
            json["onnxruntime"] = $"unavailable: {e.Message}";
        }

        return json;
    }

    /// <summary>"aisp 0.1.0 (commit abc1234, ABI 10, ONNX Runtime 1.31.1: CPUExecutionProvider)".</summary>
    public static string Line()
    {
        JsonObject d = Describe();
        string providers = d["providers"] is JsonArray p ? ": " + string.Join(", ", p.Select(n => (string?)n)) : "";
        return $"aisp {Version} (commit {Commit}, ABI {AbiVersion}, ONNX Runtime {(string?)d["onnxruntime"]}{providers})";
    }
}
