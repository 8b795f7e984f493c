namespace Mesh.Gateway.Udp;

/// <summary>How the gateway relays UDP services (config section <c>Mesh:Gateway:Udp</c>).</summary>
public sealed class UdpOptions
{
    public const string Section = "Mesh:Gateway:Udp";

    /// <summary>
    /// A flow (one client address:port to one dialled address:port) with no datagram either way
    /// for this long is forgotten and its upstream socket closed. 60 s, as conntrack's and most
    /// balancers' UDP timeouts for a stream are; DNS-like request/response traffic needs far less.
    /// </summary>
    public TimeSpan FlowIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Flows one app may hold on this gateway; a datagram that would open one more is dropped
    /// (<c>flow_limit</c>). Each flow holds an upstream socket (a descriptor), so spoofed sources
    /// must not open them without bound.
    /// </summary>
    public int MaxFlowsPerApp { get; set; } = 4096;

    /// <summary>The largest datagram relayed (bigger ones are truncated by the socket and dropped); 65,507 is IPv4 UDP's maximum.</summary>
    public int MaxDatagramSize { get; set; } = 65507;
}
