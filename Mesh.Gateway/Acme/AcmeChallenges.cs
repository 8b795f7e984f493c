using System.Collections.Frozen;
using System.Net;
using Mesh.Acme;
using Mesh.Domain.Ips;
using Mesh.Gateway.Routing;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Acme;

/// <summary>
/// The ACME challenges of one route table, as the data path looks them up: token → key
/// authorization (http-01), hostname → challenge (tls-alpn-01), and the sockets a challenge needs
/// where no service listens (port 80 or 443 of the app's public addresses). Answered whether or
/// not the hostname routes yet: ownership is what the CA is about to check.
/// </summary>
public sealed class AcmeChallenges
{
    public static AcmeChallenges Empty { get; } = From([], false);

    private readonly FrozenDictionary<string, string> _keyAuthorizations;
    private readonly FrozenDictionary<string, AcmeChallengeRoute> _tlsAlpn;
    private readonly FrozenDictionary<(IPAddress, int), ListenerKind> _kinds;

    private AcmeChallenges(
        FrozenDictionary<string, string> keyAuthorizations,
        FrozenDictionary<string, AcmeChallengeRoute> tlsAlpn,
        FrozenDictionary<(IPAddress, int), ListenerKind> kinds,
        FrozenSet<ListenerKey> listeners)
    {
        _keyAuthorizations = keyAuthorizations;
        _tlsAlpn = tlsAlpn;
        _kinds = kinds;
        Listeners = listeners;
    }

    /// <summary>The sockets the challenges need (the table adds those no service opens).</summary>
    public FrozenSet<ListenerKey> Listeners { get; }

    /// <summary>Every tls-alpn-01 challenge (the certificate cache builds their certificates ahead of the handshakes).</summary>
    public IEnumerable<AcmeChallengeRoute> TlsAlpn => _tlsAlpn.Values;

    /// <summary>Whether any tls-alpn-01 challenge is open (only then do ClientHellos need their ALPN list read before the TLS stage).</summary>
    public bool HasTlsAlpn => _tlsAlpn.Count > 0;

    public static AcmeChallenges From(IEnumerable<AppRoute> apps, bool wildcard)
    {
        var keyAuthorizations = new Dictionary<string, string>(StringComparer.Ordinal);
        var tlsAlpn = new Dictionary<string, AcmeChallengeRoute>(StringComparer.OrdinalIgnoreCase);
        var kinds = new Dictionary<(IPAddress, int), ListenerKind>();
        foreach (var app in apps.OrderBy(a => a.App, StringComparer.Ordinal))
        {
            foreach (var challenge in app.Challenges)
            {
                var (port, kind) = challenge.Type switch
                {
                    AcmeChallengeType.Http01 when challenge.Token.Length > 0 => (SharedV4Ports.Http, ListenerKind.Http),
                    AcmeChallengeType.TlsAlpn01 => (SharedV4Ports.Https, ListenerKind.Https),
                    _ => (0, ListenerKind.Tcp),
                };
                if (port == 0) continue;
                if (kind == ListenerKind.Http) keyAuthorizations.TryAdd(challenge.Token, challenge.KeyAuthorization);
                else tlsAlpn.TryAdd(challenge.Hostname.TrimEnd('.'), challenge);
                // The CA dials whichever public address the hostname's DNS names.
                foreach (var ip in app.Ips.Where(i => i.Kind is IpKind.V4 or IpKind.V6 or IpKind.SharedV4))
                {
                    if (IPAddress.TryParse(ip.Address, out var address)) kinds.TryAdd((address, port), kind);
                }
            }
        }
        var listeners = kinds.Keys.Select(k => new ListenerKey(wildcard ? AnyFor(k.Item1) : k.Item1, k.Item2)).ToFrozenSet();
        return new AcmeChallenges(
            keyAuthorizations.ToFrozenDictionary(StringComparer.Ordinal),
            tlsAlpn.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            kinds.ToFrozenDictionary(),
            listeners);
    }

    /// <summary>The key authorization to answer at <c>/.well-known/acme-challenge/{token}</c>, or null.</summary>
    public string? KeyAuthorization(string token) => _keyAuthorizations.GetValueOrDefault(token);

    /// <summary>The tls-alpn-01 challenge for a server name, or null.</summary>
    public AcmeChallengeRoute? TlsAlpnFor(string? serverName) =>
        serverName is null ? null : _tlsAlpn.GetValueOrDefault(serverName.TrimEnd('.'));

    /// <summary>The pipeline of a socket that only challenges need (no service of the app listens there).</summary>
    public ListenerKind? KindAt(IPAddress local, int port) =>
        _kinds.TryGetValue((local, port), out var kind) ? kind : null;

    private static IPAddress AnyFor(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any;
}
