using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Aisp.Server;

/// <summary>Passwords as PBKDF2-SHA256 hashes ("pbkdf2-sha256$rounds$salt$hash"), compared in constant time.</summary>
public static class PasswordHasher
{
    private const int SaltBytes = 16, HashBytes = 32;

    [ThreadStatic]
    private static long t_rounds;

    /// <summary>PBKDF2 rounds computed on this thread so far: the work a login costs, which tests compare without a clock.</summary>
    public static long RoundsOnThisThread => t_rounds;

    public static string Hash(string password, int iterations)
    {
        byte[] salt = RandomNumberGenerator.GetBytes(SaltBytes);
        byte[] hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        t_rounds += iterations;
        return string.Create(CultureInfo.InvariantCulture, $"pbkdf2-sha256${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    public static bool Verify(string password, string stored)
    {
        string[] parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2-sha256" || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out int iterations))
        {
            return false;
        }

        byte[] salt = Convert.FromBase64String(parts[2]), expected = Convert.FromBase64String(parts[3]);
        byte[] actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        t_rounds += iterations;
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
