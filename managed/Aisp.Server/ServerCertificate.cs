using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Aisp.Core;
using Aisp.Core.IO;

namespace Aisp.Server;

/// <summary>
/// The certificate HTTPS serves: a PKCS#12 file (.pfx/.p12) or PEM (the certificate, with its key
/// in the same file or a second one; an encrypted key or a protected PFX takes its password from
/// AISP_CERT_PASSWORD, never the command line). Every failure says which file and why.
/// </summary>
public static class ServerCertificate
{
    /// <summary>Certificate files are a few kilobytes; a chain with its key stays far below this.</summary>
    public const long MaxBytes = 1L << 20;

    public const string PasswordVariable = "AISP_CERT_PASSWORD";

    public static X509Certificate2 Load(string path, string? keyPath, string? password)
    {
        byte[] bytes = UserFile.ReadAll(path, "the certificate", MaxBytes, ErrorKind.InvalidArgument);
        try
        {
            X509Certificate2 certificate = LooksLikePem(bytes) ? FromPem(bytes, keyPath, password) : X509CertificateLoader.LoadPkcs12(bytes, password);
            return certificate.HasPrivateKey ? certificate
                : throw new AispException(ErrorKind.InvalidArgument, $"the certificate {path} has no private key: HTTPS needs one (give it in the file, or with --cert-key)");
        }
        catch (CryptographicException e)
        {
            string hint = string.IsNullOrEmpty(password) ? $"if the file or its key is protected, set {PasswordVariable}" : $"check {PasswordVariable}";
            throw new AispException(ErrorKind.InvalidArgument, $"the certificate {path} cannot be read ({e.Message.TrimEnd('.')}): it must be a PFX/PKCS#12 or PEM file; {hint}");
        }
    }

    private static bool LooksLikePem(ReadOnlySpan<byte> bytes) => bytes.IndexOf("-----BEGIN "u8) >= 0;

    private static X509Certificate2 FromPem(byte[] certificateFile, string? keyPath, string? password)
    {
        string certificate = System.Text.Encoding.ASCII.GetString(certificateFile);
        string key = keyPath is null ? certificate : System.Text.Encoding.ASCII.GetString(UserFile.ReadAll(keyPath, "the certificate's key", MaxBytes, ErrorKind.InvalidArgument));
        if (!key.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            return X509Certificate2.CreateFromPem(certificate); // no key: Load says so
        }

        X509Certificate2 loaded = string.IsNullOrEmpty(password) ? X509Certificate2.CreateFromPem(certificate, key) : X509Certificate2.CreateFromEncryptedPem(certificate, key, password);
        // A PEM key stays ephemeral on Linux, which Kestrel's TLS accepts; exporting to PKCS#12 keeps it usable everywhere.
        using (loaded)
        {
            return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
        }
    }

    /// <summary>
    /// Why these addresses and this certificate do not go together, or null: HTTPS needs a
    /// certificate, and a certificate given with a plain http:// address would serve plain text.
    /// </summary>
    public static string? Mismatch(string urls, bool hasCertificate)
    {
        string[] each = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (hasCertificate && each.FirstOrDefault(u => !u.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) is { } plain)
        {
            return $"--cert is given but {plain} is not an https:// address: it would serve plain text (use https://)";
        }

        return !hasCertificate && each.FirstOrDefault(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) is { } secure
            ? $"{secure} needs a certificate: give --cert FILE (PFX or PEM)"
            : null;
    }
}
