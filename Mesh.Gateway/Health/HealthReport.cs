using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Health;

/// <summary>A health the control plane should be told about, with the check and reason that decided it.</summary>
public sealed record HealthReport(string InstanceId, string App, InstanceHealth Health, string Check, string Reason);
