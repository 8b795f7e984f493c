using Microsoft.Extensions.Configuration;

namespace Mesh.Gateway.Dns;

/// <summary>The gateway's <c>.internal</c> DNS server (config section <c>Mesh:Gateway:Dns</c>).</summary>
public sealed class InternalDnsOptions
{
    public const string Section = "Mesh:Gateway:Dns";

    /// <summary>
    /// Endpoints to serve UDP and TCP on, e.g. <c>[fdaa::3]:53</c>; none (the default) turns the
    /// server off. Each needs a port other than 0: ARSoft's transports do not tell which port the
    /// kernel picked.
    /// </summary>
    public List<string> Listen { get; set; } = [];

    /// <summary>How long sending a response or reading the rest of a TCP query may take.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a TCP connection may wait for its next query (RFC 7766 asks for seconds, not minutes).</summary>
    public TimeSpan TcpIdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>TCP connections open at once per endpoint; more are closed on accept.</summary>
    public int MaxTcpConnections { get; set; } = 256;

    /// <summary>How often an endpoint that could not be bound (its address not up yet) is tried again.</summary>
    public TimeSpan BindRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Reads the section. <c>Listen</c> may also be one comma-separated string
    /// (<c>Mesh__Gateway__Dns__Listen=[fdaa::3]:53,127.0.0.1:5353</c>), which the binder alone drops.
    /// </summary>
    public static InternalDnsOptions From(IConfigurationSection section)
    {
        var options = section.Get<InternalDnsOptions>() ?? new InternalDnsOptions();
        if (section[nameof(Listen)] is { Length: > 0 } list)
        {
            options.Listen.Add(list);
        }
        return options;
    }
}
