namespace Aisp.Server;

/// <summary>
/// What a user name and a password may be, checked where accounts are made and before a login does
/// anything: bounded lengths (a megabyte of user name must cost nothing to refuse, stay in no memory
/// and reach no log) and names that can be typed, shown and deleted again (no control characters,
/// no '/', which would not fit the API's paths).
/// </summary>
public static class CredentialRules
{
    public const int MaxUserNameLength = 64;
    public const int MaxPasswordLength = 1024;

    /// <summary>Why the name cannot be an account's, or null when it can.</summary>
    public static string? NameProblem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "'username' is required";
        }

        if (name.Length > MaxUserNameLength)
        {
            return $"'username' is at most {MaxUserNameLength} characters";
        }

        foreach (char c in name)
        {
            if (char.IsControl(c) || c == '/' || c == '\\')
            {
                return "'username' may not hold control characters, '/' or '\\'";
            }
        }

        return name.Trim() == name ? null : "'username' may not start or end with spaces";
    }
}
