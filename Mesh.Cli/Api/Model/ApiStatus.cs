using System.Text.Json;
using Mesh.Interfaces.Model;

namespace Mesh.Cli.Api.Model;

/// <summary>
/// <c>GET /v1/status</c>. Members and the pool are the operator's only (empty and null for a
/// tenant); state problems are kept as the API wrote them, strings or objects.
/// </summary>
internal sealed record ApiStatus(
    IReadOnlyList<SiloMember>? Members,
    IReadOnlyList<string>? Regions,
    int Apps,
    int Instances,
    long RouteTableVersion,
    IpPoolUsage? IpPool,
    IReadOnlyList<JsonElement>? StateProblems,
    long Refusals);
