namespace Mesh.Gateway.Http;

/// <summary>
/// Fly-Request-Id values: 26 uppercase hex characters of a random GUID, a dash and the
/// gateway's region (as the mirrored platform's <c>01H…-ams</c> ids end in the edge region).
/// One string per request, formatted in place. The bits come from <see cref="Random.Shared"/>:
/// an id must be unique, not secret, and a GUID's system randomness costs a syscall per request.
/// </summary>
public static class RequestIds
{
    private const int RandomChars = 26;

    public static string New(string region) => string.Create(RandomChars + 1 + region.Length, region, static (span, r) =>
    {
        Span<byte> bits = stackalloc byte[RandomChars / 2];
        Random.Shared.NextBytes(bits);
        Convert.TryToHexString(bits, span[..RandomChars], out _);
        span[RandomChars] = '-';
        r.AsSpan().CopyTo(span[(RandomChars + 1)..]);
    });
}
