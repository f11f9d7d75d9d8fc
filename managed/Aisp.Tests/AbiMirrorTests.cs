using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Aisp.Native.Interop;

namespace Aisp.Tests;

/// <summary>
/// Proves the C# mirror of interop/aisp.h matches the header as a C compiler sees it: every
/// struct's size, every field's offset, every enum constant both ways, and the constants.
/// </summary>
public sealed partial class AbiMirrorTests
{
    private static readonly (Type Type, string CName)[] Structs =
    [
        (typeof(AispFrame), "aisp_frame"),
        (typeof(AispGpuFrame), "aisp_gpu_frame"),
        (typeof(AispStageStats), "aisp_stage_stats"),
        (typeof(AispStats), "aisp_stats"),
    ];

    private static readonly (Type Type, string Prefix, string COk)[] Enums =
    [
        (typeof(AispStatus), "AISP_ERR_", "AISP_OK"),
        (typeof(AispPixelFormat), "AISP_PIXEL_FORMAT_", ""),
        (typeof(AispColorMatrix), "AISP_COLOR_MATRIX_", ""),
        (typeof(AispColorRange), "AISP_COLOR_RANGE_", ""),
        (typeof(AispLogLevel), "AISP_LOG_", ""),
        (typeof(AispStage), "AISP_STAGE_", ""),
        (typeof(AispQuality), "AISP_QUALITY_", ""),
        (typeof(AispRenderFlags), "AISP_RENDER_", ""),
    ];

    [Fact]
    public void Every_struct_size_and_field_offset_matches_the_header()
    {
        var expected = new Dictionary<string, long>();
        var probes = new StringBuilder();
        foreach ((Type type, string cName) in Structs)
        {
            expected[$"sizeof {cName}"] = Marshal.SizeOf(type);
            probes.AppendLine($"printf(\"sizeof {cName} %zu\\n\", sizeof({cName}));");
            foreach (FieldInfo f in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
            {
                string field = f.GetCustomAttribute<AbiNameAttribute>()?.Name ?? Snake(f.Name);
                expected[$"offsetof {cName}.{field}"] = Marshal.OffsetOf(type, f.Name);
                probes.AppendLine($"printf(\"offsetof {cName}.{field} %zu\\n\", offsetof({cName}, {field}));");
            }
        }

        foreach ((string name, long value) in new[] { ("AISP_ABI_VERSION", (long)AbiConstants.AbiVersion), ("AISP_MAX_PLANES", AbiConstants.MaxPlanes), ("AISP_NAME_CAPACITY", AbiConstants.NameCapacity), ("AISP_ERROR_CAPACITY", AbiConstants.ErrorCapacity) })
        {
            expected[$"const {name}"] = value;
            probes.AppendLine($"printf(\"const {name} %lld\\n\", (long long){name});");
        }

        Dictionary<string, long> actual = CompileAndRun(probes.ToString());
        Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
    }

    [Fact]
    public void Every_enum_constant_matches_the_header_both_ways()
    {
        string header = File.ReadAllText(HeaderPath);
        foreach ((Type type, string prefix, string ok) in Enums)
        {
            var csharp = new Dictionary<string, long>();
            foreach (object v in Enum.GetValues(type))
            {
                string name = v.ToString()!;
                string cName = name == "Ok" && ok.Length > 0 ? ok : prefix + Snake(name).ToUpperInvariant();
                csharp[cName] = Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture);
            }

            var c = new Dictionary<string, long>();
            string search = ok.Length > 0 ? $"(?:{prefix}[A-Z0-9_]+|{ok})" : $"{prefix}[A-Z0-9_]+";
            foreach (Match m in Regex.Matches(header, $@"^\s*({search})\s*=\s*(\d+)", RegexOptions.Multiline))
            {
                c[m.Groups[1].Value] = long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            }

            Assert.Equal(c.OrderBy(p => p.Key), csharp.OrderBy(p => p.Key));
        }
    }

    internal static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "interop", "aisp.h")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("interop/aisp.h not found above the test binaries");
        }
    }

    private static string HeaderPath => Path.Combine(RepoRoot, "interop", "aisp.h");

    private static string Snake(string pascal) => SnakeBoundary().Replace(pascal, "$1_$2").ToLowerInvariant();

    private static Dictionary<string, long> CompileAndRun(string probes)
    {
        string dir = Directory.CreateTempSubdirectory("aisp-abi-").FullName;
        try
        {
            string source = Path.Combine(dir, "layout.c"), exe = Path.Combine(dir, "layout");
            File.WriteAllText(source, $"#include <stdio.h>\n#include <stddef.h>\n#include \"aisp.h\"\nint main(void) {{\n{probes}return 0;\n}}\n");
            Run("cc", $"-std=c11 -Wall -Werror -I\"{Path.GetDirectoryName(HeaderPath)}\" -o \"{exe}\" \"{source}\"");
            var result = new Dictionary<string, long>();
            foreach (string line in Run(exe, "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                int space = line.LastIndexOf(' ');
                result[line[..space]] = long.Parse(line[(space + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }

            return result;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Run(string file, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {args} failed: {stderr}");
        return stdout;
    }

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex SnakeBoundary();
}
