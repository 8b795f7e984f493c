namespace Mesh.Domain.Quotas;

/// <summary>One org's exceptions to the defaults (<c>Mesh:Quotas:Orgs:ORG:Apps = 500</c>); unset keys keep the default.</summary>
public sealed class QuotaOverrides
{
    public int? DedicatedV4 { get; set; }
    public int? Apps { get; set; }
    public int? Instances { get; set; }
    public int? Certificates { get; set; }

    public int? Of(QuotaKind kind) => kind switch
    {
        QuotaKind.DedicatedV4 => DedicatedV4,
        QuotaKind.Apps => Apps,
        QuotaKind.Instances => Instances,
        _ => Certificates,
    };
}
