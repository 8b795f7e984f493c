using Mesh.Interfaces.Model;

namespace Mesh.Interfaces.Api;

/// <summary>
/// <c>GET /v1/status</c>. Apps and instances are counted in the caller's scope; members and the
/// pool are the operator's only (empty and null for org and deploy tokens). <c>refusals</c> counts
/// the requests this silo refused (401, 403, 404 by scope) since it started: the operator's only
/// too (0 for others), since its moves would tell a tenant that another org's app exists.
/// </summary>
public sealed record ApiStatus(
    IReadOnlyList<SiloMember> Members,
    IReadOnlyList<string> Regions,
    int Apps,
    int Instances,
    long RouteTableVersion,
    IpPoolUsage? IpPool,
    IReadOnlyList<string> StateProblems,
    long Refusals);
