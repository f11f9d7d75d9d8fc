using System.Globalization;
using System.Text.Json;
using Aisp.Core.Frames;
using Aisp.Core.IO;

namespace Aisp.Core.Models;

/// <summary>
/// The models available in one folder, as described by the manifest.json the fetch step copies
/// beside them. Reading it is cheap; hashing the weights is done on load by <see cref="ModelFile"/>.
/// Every field is checked here (types, finite positive numbers, known layouts), so a bad manifest
/// is a model error naming the field, never a silent "no face" or an internal error later.
/// </summary>
public sealed class ModelCatalog
{
    private const long MaxManifestBytes = 1 << 20;
    private const int MaxInputSide = 4096;

    private readonly Dictionary<string, ModelEntry> _entries;

    private ModelCatalog(string directory, Dictionary<string, ModelEntry> entries)
    {
        Directory = directory;
        _entries = entries;
    }

    public string Directory { get; }

    public IReadOnlyCollection<ModelEntry> Entries => _entries.Values;

    public static ModelCatalog Load(string directory)
    {
        string path = Path.Combine(directory, "manifest.json");
        if (FileProbe.Probe(path).Kind == FileKind.Missing)
        {
            throw new AispException(ErrorKind.Model, $"no model manifest at {path}; run the build's model fetch step or set models_dir");
        }

        byte[] bytes = UserFile.ReadAll(path, "model manifest", MaxManifestBytes, ErrorKind.Model);
        try
        {
            using JsonDocument doc = JsonDocument.Parse(bytes);
            JsonElement packages = Member(doc.RootElement, "packages", JsonValueKind.Object);
            var entries = new Dictionary<string, ModelEntry>(StringComparer.Ordinal);
            foreach (JsonElement m in Member(doc.RootElement, "models", JsonValueKind.Array).EnumerateArray())
            {
                string name = Text(m, "name");
                JsonElement input = Member(m, "input", JsonValueKind.Object);
                JsonElement norm = Member(m, "normalisation", JsonValueKind.Object);
                JsonElement pkg = Member(packages, Text(m, "package"), JsonValueKind.Object);
                string file = Text(m, "file");
                if (Path.IsPathRooted(file) || file.Contains("..", StringComparison.Ordinal))
                {
                    throw Malformed($"'file' of '{name}' must be a name inside the models folder, not {file}");
                }

                var entry = new ModelEntry(
                    Name: name,
                    Role: Text(m, "role"),
                    Family: Text(m, "family"),
                    FilePath: Path.Combine(directory, file),
                    Sha256: Sha256(m, name),
                    Licence: Text(m, "licence"),
                    Source: string.Create(CultureInfo.InvariantCulture, $"{Text(pkg, "registry")}:{Text(pkg, "name")}@{Text(pkg, "version")}"),
                    InputWidth: Side(input, "width", name),
                    InputHeight: Side(input, "height", name),
                    Layout: Text(input, "layout") switch
                    {
                        "NCHW" => TensorLayout.Nchw,
                        "NHWC" => TensorLayout.Nhwc,
                        string other => throw Malformed($"'input.layout' of '{name}' is '{other}'; it must be NCHW or NHWC"),
                    },
                    Mean: Finite(norm, "mean", name, positive: false),
                    Std: Finite(norm, "std", name, positive: true));
                entries[entry.Name] = entry;
            }

            return new ModelCatalog(directory, entries);
        }
        catch (JsonException e)
        {
            throw new AispException(ErrorKind.Model, $"model manifest {path} is malformed: {e.Message}", e);
        }
        catch (AispException e)
        {
            throw new AispException(ErrorKind.Model, $"model manifest {path} is malformed: {e.Message}", e);
        }
    }

    public ModelEntry Get(string name) =>
        _entries.TryGetValue(name, out ModelEntry? e)
            ? e
            : throw new AispException(ErrorKind.Model, $"model '{name}' is not in {Path.Combine(Directory, "manifest.json")}");

    private static JsonElement Member(JsonElement parent, string key, JsonValueKind kind) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(key, out JsonElement v) && v.ValueKind == kind
            ? v
            : throw Malformed($"'{key}' is missing or not a JSON {kind.ToString().ToLowerInvariant()}");

    private static string Text(JsonElement parent, string key)
    {
        JsonElement v = Member(parent, key, JsonValueKind.String);
        try
        {
            string text = v.GetString()!;
            return text.Length > 0 ? text : throw Malformed($"'{key}' is empty");
        }
        catch (InvalidOperationException)
        {
            throw Malformed($"'{key}' is not valid text");
        }
    }

    private static string Sha256(JsonElement m, string name)
    {
        string hash = Text(m, "sha256");
        return hash.Length == 64 && hash.All(Uri.IsHexDigit) ? hash : throw Malformed($"'sha256' of '{name}' is not 64 hex digits");
    }

    private static int Side(JsonElement input, string key, string name)
    {
        JsonElement v = Member(input, key, JsonValueKind.Number);
        return v.TryGetInt32(out int n) && n is > 0 and <= MaxInputSide
            ? n
            : throw Malformed($"'input.{key}' of '{name}' is {v.GetRawText()}; it must be an integer from 1 to {MaxInputSide}");
    }

    private static float Finite(JsonElement norm, string key, string name, bool positive)
    {
        JsonElement v = Member(norm, key, JsonValueKind.Number);
        float f = v.TryGetSingle(out float x) ? x : float.NaN;
        bool ok = float.IsFinite(f) && (!positive || f >= 1e-6f);
        return ok ? f : throw Malformed($"'normalisation.{key}' of '{name}' is {v.GetRawText()}; it must be a finite number{(positive ? " above 0" : "")}");
    }

    private static AispException Malformed(string message) => new(ErrorKind.Model, message);
}
