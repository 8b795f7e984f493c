using Mesh.Domain.Certificates;
using Mesh.Interfaces.Model;

namespace Mesh.Grains;

[GenerateSerializer, Alias("mesh.CertificateGrainState")]
public sealed class CertificateGrainState
{
    /// <summary>The app that holds the hostname; null when no app does.</summary>
    [Id(0)] public string? App { get; set; }
    [Id(1)] public CertificateLifecycle? Lifecycle { get; set; }
    /// <summary>The challenge type that validated the last issued certificate.</summary>
    [Id(2)] public string? Challenge { get; set; }
    /// <summary>What the resolver answered at the last ownership check.</summary>
    [Id(3)] public DnsObservation? LastSeen { get; set; }
}
