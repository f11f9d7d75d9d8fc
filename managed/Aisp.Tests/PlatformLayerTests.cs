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
}
