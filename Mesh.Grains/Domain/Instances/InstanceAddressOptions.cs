namespace Mesh.Domain.Instances;

/// <summary>
/// Where an operator lets instances be registered (config section <c>Mesh:Instances</c>, read by
/// silos and gateways alike: give every node the same). An org's own private prefix and
/// <c>[::]:PORT</c> need nothing here.
/// </summary>
public sealed class InstanceAddressOptions
{
    public const string Section = "Mesh:Instances";

    /// <summary>
    /// Networks an org's instances may also use, by org (<c>AllowedNetworks:acme = 10.20.0.0/16,
    /// 127.0.0.0/8</c>), or for every org under <c>*</c>.
    /// </summary>
    public Dictionary<string, string> AllowedNetworks { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Loopback for every org (embedded mode, where every instance runs on this host); unset means no.</summary>
    public bool? AllowLoopback { get; set; }

    /// <summary>
    /// Comma-separated HOST:PORT endpoints no instance may be registered at besides the cluster's
    /// own nodes (the embedded silo reserves its API and the gateway admin port). A loopback host
    /// reserves the port on every loopback address.
    /// </summary>
    public string? ReservedEndpoints { get; set; }
}
