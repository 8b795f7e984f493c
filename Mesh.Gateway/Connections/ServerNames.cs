using System.Net;

namespace Mesh.Gateway.Connections;

/// <summary>
/// The SNI a client sent, as the router uses it: none when empty or an IP literal. RFC 6066 §3
/// forbids IP literals in SNI, yet some clients (wrk, for one) send "127.0.0.1"; they dialled
/// an address, so they are routed like a client that sent no name.
/// </summary>
public static class ServerNames
{
    public static string? Normalize(string? serverName) =>
        string.IsNullOrEmpty(serverName) || IPAddress.TryParse(serverName, out _) ? null : serverName;
}
