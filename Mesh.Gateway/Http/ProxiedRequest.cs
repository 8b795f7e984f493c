using Mesh.Gateway.Routing;

namespace Mesh.Gateway.Http;

/// <summary>What the HTTP stage knows about one request, handed to the transformer as a request feature.</summary>
public sealed record ProxiedRequest(
    PortRoute Route,
    string RequestId,
    string Region,
    string ClientIp,
    bool Https,
    int Port,
    long StartMicroseconds,
    string? PreferredInstanceUnavailable)
{
    /// <summary>Set on a replayed request: the <c>fly-replay-src</c> value for the next instance.</summary>
    public string? ReplaySource { get; init; }

    /// <summary>Whether a <c>fly-replay</c> from the app may be honoured (the body was buffered and hops remain).</summary>
    public bool Replayable { get; init; }

    /// <summary>The directive the app answered with, when the gateway is to replay.</summary>
    public ReplayDirective? Replay { get; set; }

    /// <summary>The headers the client's <c>Connection</c> names (RFC 9110 §7.6.1), dropped from the request to the app.</summary>
    public IReadOnlyList<string> HopHeaders { get; init; } = [];
}
