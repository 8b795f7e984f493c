namespace Mesh.Security;

/// <summary>What a cluster certificate lets its holder be: carried in the certificate as the URI SAN <c>mesh:role:&lt;role&gt;</c>.</summary>
public enum NodeRole
{
    /// <summary>A silo: joins the cluster and accepts gateway and operator connections.</summary>
    Silo,
    /// <summary>A gateway: an Orleans client of the silos.</summary>
    Gateway,
    /// <summary>An operator tool using the grain SDK (<c>mesh ping</c>, tests).</summary>
    Operator,
}
