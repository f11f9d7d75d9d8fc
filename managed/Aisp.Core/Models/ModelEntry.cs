using Aisp.Core.Frames;

namespace Aisp.Core.Models;

/// <summary>One model of the declarative registry (models/manifest.json): where it came from and how to feed it.</summary>
public sealed record ModelEntry(
    string Name,
    string Role,
    string Family,
    string FilePath,
    string Sha256,
    string Licence,
    string Source,
    int InputWidth,
    int InputHeight,
    TensorLayout Layout,
    float Mean,
    float Std);
