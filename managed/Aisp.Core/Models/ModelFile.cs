using System.Security.Cryptography;
using Aisp.Core.IO;

namespace Aisp.Core.Models;

/// <summary>Reads a model's bytes and proves they are the ones the manifest pinned.</summary>
public static class ModelFile
{
    /// <summary>ONNX files are protobufs, which cannot exceed 2 GiB; one byte array holds the whole file.</summary>
    public static readonly long MaxBytes = Array.MaxLength;

    public static byte[] ReadVerified(ModelEntry entry)
    {
        byte[] bytes = UserFile.ReadAll(entry.FilePath, $"model '{entry.Name}' at", MaxBytes, ErrorKind.Model);
        if (entry.Sha256.Length == 0)
        {
            return bytes; // user-supplied weights: nothing pinned to check against
        }

        string hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(hash, entry.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new AispException(ErrorKind.Model, $"model '{entry.Name}' at {entry.FilePath} is corrupt: sha256 {hash} differs from the manifest's {entry.Sha256}");
        }

        return bytes;
    }
}
