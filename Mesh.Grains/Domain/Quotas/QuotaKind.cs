namespace Mesh.Domain.Quotas;

/// <summary>What an org's quota limits.</summary>
[GenerateSerializer, Alias("mesh.QuotaKind")]
public enum QuotaKind
{
    DedicatedV4,
    Apps,
    Instances,
    Certificates,
}
