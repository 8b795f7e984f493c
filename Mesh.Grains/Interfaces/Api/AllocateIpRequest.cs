using Mesh.Interfaces.Model;

namespace Mesh.Interfaces.Api;

/// <summary>
/// <c>POST /v1/apps/{app}/ips</c>: <c>{"kind": "v6" | "v4" | "shared_v4" | "private_v6", "org": ORG}</c>;
/// <c>org</c> (private_v6 only, default the app's org) names whose private network the address is in.
/// </summary>
public sealed record AllocateIpRequest(IpKind Kind, string? Org = null);
