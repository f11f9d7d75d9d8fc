using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Aisp.Server;

/// <summary>
/// The text fields of an upload form (settings, output format, a name): read within a cap, so an
/// 800 MB "settings" part costs the server 64 KiB, not 800 MB as a string.
/// </summary>
public static class FormFields
{
    /// <summary>The largest text field any form takes: settings are a few hundred bytes.</summary>
    public const int MaxBytes = 64 << 10;

    /// <exception cref="ArgumentException">The field is longer than <see cref="MaxBytes"/>.</exception>
    public static async Task<string> ReadAsync(MultipartSection section, string name, CancellationToken ct)
    {
        byte[] buffer = new byte[MaxBytes + 1];
        int length = 0, read;
        while (length < buffer.Length && (read = await section.Body.ReadAsync(buffer.AsMemory(length), ct)) > 0)
        {
            length += read;
        }

        return length > MaxBytes
            ? throw new ArgumentException($"the form field '{(name.Length <= 32 ? name : name[..32])}' is longer than {MaxBytes >> 10} KiB; only the file may be large")
            : Encoding.UTF8.GetString(buffer, 0, length);
    }
}
