using Aisp.Core.Inference;
using Aisp.Core.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Aisp.Tests;

/// <summary>
/// The core calls the operating system only through its platform folder (Aisp.Core/Platform) and
/// the export layer (Aisp.Native): everything else is portable .NET, so the core builds for any OS.
/// </summary>
public sealed class PlatformLayerTests
{
    [Fact]
    public void No_native_calls_outside_the_platform_folder_and_the_export_layer()
    {
        string managed = Path.Combine(AbiMirrorTests.RepoRoot, "managed");
        string[] allowed = [Path.Combine(managed, "Aisp.Native") + Path.DirectorySeparatorChar, Path.Combine(managed, "Aisp.Core", "Platform") + Path.DirectorySeparatorChar];
        var offenders = new List<string>();
        foreach (string file in Directory.EnumerateFiles(managed, "*.cs", SearchOption.AllDirectories))
        {
            string sep = Path.DirectorySeparatorChar.ToString();
            if (file.Contains($"{sep}obj{sep}", StringComparison.Ordinal) || file.Contains($"{sep}bin{sep}", StringComparison.Ordinal) || allowed.Any(a => file.StartsWith(a, StringComparison.Ordinal)))
            {
                continue;
            }

            if (System.Text.RegularExpressions.Regex.IsMatch(File.ReadAllText(file), @"(?m)^\s*\[(?:DllImport|LibraryImport)\("))
            {
                offenders.Add(Path.GetRelativePath(managed, file));
            }
        }

        Assert.True(offenders.Count == 0, $"native calls outside Aisp.Core/Platform and Aisp.Native: {string.Join(", ", offenders)}");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(managed, "Aisp.Core", "Platform"), "*.cs")); // the folder the rule names exists
    }

    [Fact]
    public void The_host_platform_names_this_systems_libraries_data_folder_and_providers()
    {
        Assert.True(OperatingSystem.IsLinux(), "these tests run on Linux; docs/PLATFORMS.md says what other systems must check");
        Assert.Equal("linux", HostPlatform.Name);
        string ort = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", HostPlatform.NativeLibraryFile("onnxruntime"));
        Assert.True(File.Exists(ort), $"{ort} (the name HostPlatform gives) is not where the ONNX Runtime package put it");
        Assert.Equal([HostPlatform.Cuda], HostPlatform.AutoProviders);
        string root = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        Assert.Equal(Path.Combine(root, "aisp"), HostPlatform.UserDataDir());
        Assert.StartsWith(HostPlatform.UserDataDir(), Aisp.Core.Identities.FaceLibrary.DefaultPath(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("directml")]
    [InlineData("coreml")]
    public void A_provider_this_onnx_runtime_lacks_runs_on_the_cpu_and_says_so(string wanted)
    {
        var warnings = new List<string>();
        using var options = new SessionOptions();
        Assert.Equal("cpu", ExecutionProviderChoice.Apply(options, wanted, new ListLogger(warnings)));
        Assert.Contains(warnings, w => w.Contains("using CPU", StringComparison.Ordinal) && w.Contains("ExecutionProvider", StringComparison.Ordinal));

        warnings.Clear();
        Assert.Equal("cpu", ExecutionProviderChoice.Apply(options, ExecutionProviderChoice.Auto, new ListLogger(warnings)));
        Assert.Empty(warnings); // auto on the CPU package is not a problem to report
    }

    private sealed class ListLogger(List<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Add(formatter(state, exception));
    }
}
