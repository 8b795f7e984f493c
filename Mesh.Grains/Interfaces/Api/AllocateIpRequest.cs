using Mesh.Interfaces.Model;

namespace Mesh.Interfaces.Api;

/// <summary><c>POST /v1/apps/{app}/ips</c>: <c>{"kind": "v6" | "v4" | "shared_v4"}</c>.</summary>
public sealed record AllocateIpRequest(IpKind Kind);
