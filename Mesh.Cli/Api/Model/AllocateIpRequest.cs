using Mesh.Interfaces.Model;

namespace Mesh.Cli.Api.Model;

/// <summary><c>POST /v1/apps/{app}/ips</c>: <c>{"kind": "v6" | "v4" | "shared_v4"}</c>.</summary>
internal sealed record AllocateIpRequest(IpKind Kind);
