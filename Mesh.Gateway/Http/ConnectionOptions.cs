using Microsoft.Extensions.Primitives;

namespace Mesh.Gateway.Http;

/// <summary>
/// The header names a <c>Connection</c> field lists (RFC 9110 §7.6.1): they belong to one hop and
/// are removed before forwarding, in both directions. The options themselves (<c>close</c>,
/// <c>keep-alive</c>), the ones the forwarder manages (<c>Upgrade</c> for WebSocket, <c>TE</c>
/// for trailers) and the framing and routing ones (which the gateway has already acted on) are
/// left to it. Kestrel keeps only <c>close</c> of a request's Connection field that contains it,
/// so names listed beside <c>close</c> cannot be seen (and are forwarded) until the fast path reads
/// the head itself.
/// </summary>
public static class ConnectionOptions
{
    private static readonly HashSet<string> Kept = new(StringComparer.OrdinalIgnoreCase)
    {
        "close", "keep-alive", "upgrade", "te", "host", "content-length", "transfer-encoding",
    };

    public static IEnumerable<string> Named(StringValues connection)
    {
        foreach (var value in connection)
        {
            if (value is null) continue;
            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!Kept.Contains(part)) yield return part;
            }
        }
    }
}
