using Aisp.Core.Detection;
using Aisp.Core.Settings;

namespace Aisp.Core.Identities;

/// <summary>
/// Which faces the privacy engine covers, by who they are. A face recognition has not looked at
/// yet is covered whatever the rule (it may be anyone): privacy fails closed here too.
/// </summary>
public static class PrivacyRule
{
    public static bool Covers(in Face face, PipelineSettings s)
    {
        if (!s.UsesIdentities || s.PrivacyRule == PrivacyRules.Everyone || !face.Recognised)
        {
            return true;
        }

        bool listed = face.Identity is not null && Lists(s.PrivacyIdentities, face.Identity);
        return s.PrivacyRule == PrivacyRules.OnlyListed ? listed : !listed;
    }

    private static bool Lists(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
