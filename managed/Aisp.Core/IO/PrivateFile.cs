namespace Aisp.Core.IO;

/// <summary>
/// Creates a file only its owner can read and write (0600), in a folder only its owner can enter
/// (0700) when the folder is new: for biometric data (the face library) and secrets (the server's
/// signing key, its users). Fails if the file exists.
/// </summary>
public static class PrivateFile
{
    /// <summary>Creates the file (and its folder); throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>.</summary>
    public static FileStream CreateNew(string path)
    {
        string? folder = Path.GetDirectoryName(path);
        if (folder is not null && folder.Length > 0 && !Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }
}
