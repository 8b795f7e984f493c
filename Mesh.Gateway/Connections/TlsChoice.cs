using System.Net.Security;
using Mesh.Gateway.Routing;

namespace Mesh.Gateway.Connections;

/// <summary>
/// What one ClientHello gets: the TLS settings to serve it, or why not (the error reason counted,
/// a message, and the TLS alert description to send, if any: RFC 8446 §6.2).
/// </summary>
public sealed record TlsChoice(SslServerAuthenticationOptions? Options, string? Reason = null, string? Message = null, byte? Alert = null)
{
    /// <summary>The route the choice was made for (none for an ACME challenge or a refusal).</summary>
    public PortRoute? Route { get; init; }

    /// <summary>unrecognized_name (RFC 6066 §3): the server knows no certificate for the SNI.</summary>
    public const byte UnrecognizedName = 112;

    /// <summary>handshake_failure: nothing acceptable (here: no SNI on an address that routes by it).</summary>
    public const byte HandshakeFailure = 40;

    public static TlsChoice Refuse(string reason, string message, byte? alert) => new(null, reason, message, alert);
}
