using System.Security.Cryptography;

namespace Aisp.Server;

/// <summary>The JWT signing key: 256 random bits made on first start and kept in a file only its owner can read (0600).</summary>
public static class SigningKey
{
    public static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            byte[] key = Convert.FromBase64String(File.ReadAllText(path).Trim());
            return key.Length >= 32 ? key : throw new InvalidOperationException($"signing key {path} is too short; delete it to make a new one");
        }

        byte[] made = RandomNumberGenerator.GetBytes(32);
        using (FileStream file = Aisp.Core.IO.PrivateFile.CreateNew(path))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(Convert.ToBase64String(made));
        }

        return made;
    }
}
