namespace Mesh.Domain.Quotas;

/// <summary>How much of each thing one org may hold (<c>Mesh:Quotas:Default</c>).</summary>
public sealed class QuotaLimits
{
    public int DedicatedV4 { get; set; } = 10;
    public int Apps { get; set; } = 100;
    public int Instances { get; set; } = 500;
    public int Certificates { get; set; } = 100;

    public int Of(QuotaKind kind) => kind switch
    {
        QuotaKind.DedicatedV4 => DedicatedV4,
        QuotaKind.Apps => Apps,
        QuotaKind.Instances => Instances,
        _ => Certificates,
    };
}
