using System.Globalization;
using System.Text.Json;
using Aisp.Core.Frames;

namespace Aisp.Core.Models;

/// <summary>
/// The models available in one folder, as described by the manifest.json the fetch step copies
/// beside them. Reading it is cheap; hashing the weights is done on load by <see cref="ModelFile"/>.
/// </summary>
public sealed class ModelCatalog
{
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
        if (!File.Exists(path))
        {
            throw new AispException(ErrorKind.Model, $"no model manifest at {path}; run the build's model fetch step or set models_dir");
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement packages = doc.RootElement.GetProperty("packages");
            var entries = new Dictionary<string, ModelEntry>(StringComparer.Ordinal);
            foreach (JsonElement m in doc.RootElement.GetProperty("models").EnumerateArray())
            {
                JsonElement input = m.GetProperty("input");
                JsonElement norm = m.GetProperty("normalisation");
                JsonElement pkg = packages.GetProperty(m.GetProperty("package").GetString()!);
                var entry = new ModelEntry(
                    Name: m.GetProperty("name").GetString()!,
                    Role: m.GetProperty("role").GetString()!,
                    Family: m.GetProperty("family").GetString()!,
                    FilePath: Path.Combine(directory, m.GetProperty("file").GetString()!),
                    Sha256: m.GetProperty("sha256").GetString()!,
                    Licence: m.GetProperty("licence").GetString()!,
                    Source: string.Create(CultureInfo.InvariantCulture, $"{pkg.GetProperty("registry").GetString()}:{pkg.GetProperty("name").GetString()}@{pkg.GetProperty("version").GetString()}"),
                    InputWidth: input.GetProperty("width").GetInt32(),
                    InputHeight: input.GetProperty("height").GetInt32(),
                    Layout: input.GetProperty("layout").GetString() == "NCHW" ? TensorLayout.Nchw : TensorLayout.Nhwc,
                    Mean: norm.GetProperty("mean").GetSingle(),
                    Std: norm.GetProperty("std").GetSingle());
                entries[entry.Name] = entry;
            }

            return new ModelCatalog(directory, entries);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new AispException(ErrorKind.Model, $"model manifest {path} is malformed: {e.Message}", e);
        }
    }

    public ModelEntry Get(string name) =>
        _entries.TryGetValue(name, out ModelEntry? e)
            ? e
            : throw new AispException(ErrorKind.Model, $"model '{name}' is not in {Path.Combine(Directory, "manifest.json")}");
}
