using System.Security.Cryptography;

namespace Aisp.Core.Models;

/// <summary>Reads a model's bytes and proves they are the ones the manifest pinned.</summary>
public static class ModelFile
{
    public static byte[] ReadVerified(ModelEntry entry)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(entry.FilePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AispException(ErrorKind.Model, $"model '{entry.Name}' cannot be read from {entry.FilePath}: {e.Message}", e);
        }

        if (bytes.Length == 0)
        {
            throw new AispException(ErrorKind.Model, $"model '{entry.Name}' at {entry.FilePath} is empty");
        }

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
