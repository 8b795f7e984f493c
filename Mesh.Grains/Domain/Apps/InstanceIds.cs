using System.Security.Cryptography;

namespace Mesh.Domain.Apps;

/// <summary>Instance ids: 14 hex digits, the shape of the mirrored platform's machine ids.</summary>
public static class InstanceIds
{
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(7));

    public static bool IsValid(string id) => id.Length == 14 && id.All(char.IsAsciiHexDigitLower);
}
