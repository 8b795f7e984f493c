using System.Text.RegularExpressions;

namespace Mesh.Domain.Apps;

/// <summary>App and org names: DNS labels (they become <c>&lt;app&gt;.internal</c> names).</summary>
public static partial class AppNames
{
    public const string DefaultOrg = "personal";

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex Label();

    public static void Validate(string name, string what = "app name")
    {
        if (!Label().IsMatch(name))
        {
            throw new MeshException("invalid_name", $"invalid {what} '{name}': use 1-63 lower-case letters, digits and hyphens, not starting or ending with a hyphen");
        }
    }
}
