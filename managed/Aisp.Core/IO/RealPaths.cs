namespace Aisp.Core.IO;

/// <summary>
/// Where a path really leads (every symbolic link along it resolved, component by component) and
/// whether that lies inside allowed folders: a link inside an allowed folder cannot lead out of it.
/// </summary>
public static class RealPaths
{
    public static string Resolve(string path) => Resolve(path, 0);

    /// <summary>Whether the absolute <paramref name="path"/> really lies inside one of <paramref name="roots"/> (a relative path never does).</summary>
    public static bool IsInside(string path, IReadOnlyList<string> roots)
    {
        if (!Path.IsPathFullyQualified(path))
        {
            return false;
        }

        string real = Resolve(path);
        foreach (string root in roots)
        {
            string r = Resolve(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            if (real.StartsWith(r, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string Resolve(string path, int depth)
    {
        string full = Path.GetFullPath(path);
        string current = Path.GetPathRoot(full)!;
        foreach (string part in full[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            string next = Path.Combine(current, part);
            if (new FileInfo(next).LinkTarget is { } target)
            {
                next = depth < 40 ? Resolve(Path.GetFullPath(target, current), depth + 1) : throw new IOException($"{path}: too many symbolic links");
            }

            current = next;
        }

        return current;
    }
}
