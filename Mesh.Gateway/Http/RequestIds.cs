using System.Text;

namespace Mesh.Gateway.Http;

/// <summary>
/// Fly-Request-Id values: 26 uppercase hex characters of a random GUID, a dash and the
/// gateway's region (as the mirrored platform's <c>01H…-ams</c> ids end in the edge region).
/// One string per request, formatted in place.
/// </summary>
public static class RequestIds
{
    private const int RandomChars = 26;

    public static string New(string region) => string.Create(RandomChars + 1 + region.Length, region, static (span, r) =>
    {
        Span<char> hex = stackalloc char[32];
        Guid.NewGuid().TryFormat(hex, out _, "N");
        Ascii.ToUpper(hex[..RandomChars], span, out _);
        span[RandomChars] = '-';
        r.AsSpan().CopyTo(span[(RandomChars + 1)..]);
    });
}
