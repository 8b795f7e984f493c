namespace Mesh.Security;

/// <summary>What a tenant API token may do (docs/api.md, Authentication).</summary>
[GenerateSerializer, Alias("mesh.ApiTokenKind")]
public enum ApiTokenKind
{
    /// <summary>Everything, in every org: made by <c>mesh cluster init</c> or an embedded silo.</summary>
    Operator,
    /// <summary>The apps and tokens of one org.</summary>
    Org,
    /// <summary>A deploy token: one app's deploys, certificates and instances.</summary>
    App,
}
