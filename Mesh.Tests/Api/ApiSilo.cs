using System.Text.RegularExpressions;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Api;

/// <summary>Reads where a silo serves its tenant API from its ready line.</summary>
internal static partial class ApiSilo
{
    [GeneratedRegex(@" api=(\S+)")]
    private static partial Regex ApiUrl();

    public static string UrlOf(SiloProcess silo) =>
        ApiUrl().Match(silo.ReadyLine) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"no api= in '{silo.ReadyLine}'");
}
