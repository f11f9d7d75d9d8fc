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
    float Std)
{
    /// <summary>Throws a model error unless the manifest's layout is the one the code that feeds this model writes.</summary>
    public ModelEntry RequireLayout(TensorLayout expected) =>
        Layout == expected
            ? this
            : throw new AispException(ErrorKind.Model,
                $"model '{Name}' is described as {Layout.ToString().ToUpperInvariant()} in the manifest, but its {Family} reader feeds {expected.ToString().ToUpperInvariant()}; fix 'input.layout'");
}

/// <summary>Models the user supplies by path (weights that cannot ship): not pinned, described by the engine that loads them.</summary>
public static class UserModel
{
    public static ModelEntry At(string name, string path, int width, int height, float mean, float std) =>
        new(name, "user-supplied", name, path, Sha256: "", Licence: "supplied by the user", Source: "user file " + path,
            width, height, TensorLayout.Nchw, mean, std);
}
