using Mesh.Gateway.Routing;

namespace Mesh.Gateway.Http;

/// <summary>What the HTTP stage knows about one request, handed to the transformer.</summary>
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
    public const string ItemKey = "mesh.request";
}
