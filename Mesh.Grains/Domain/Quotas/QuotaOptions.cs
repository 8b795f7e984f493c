namespace Mesh.Domain.Quotas;

/// <summary>
/// Per-org quotas set by the operator (config section <c>Mesh:Quotas</c>): defaults for every org
/// and overrides by org. They keep one org from taking a shared pool (every silo gets the same).
/// </summary>
public sealed class QuotaOptions
{
    public const string Section = "Mesh:Quotas";

    public QuotaLimits Default { get; set; } = new();

    public Dictionary<string, QuotaOverrides> Orgs { get; set; } = new(StringComparer.Ordinal);
}
