using System.Net;
using Mesh.Interfaces.Config;

namespace Mesh.Gateway.Health;

/// <summary>
/// One check of one instance, as this gateway runs it. Exactly one of <see cref="Tcp"/> and
/// <see cref="Http"/> is set. The <see cref="Key"/> names the check across table versions (instance,
/// service position, kind, check position), so a loop keeps running, with the newest settings,
/// while unrelated parts of the table change.
/// </summary>
public sealed record HealthCheckTarget(
    string Key,
    string InstanceId,
    string App,
    string Name,
    IPEndPoint Endpoint,
    TcpCheckConfig? Tcp,
    HttpCheckConfig? Http)
{
    public HealthCheckKind Kind => Http is null ? HealthCheckKind.Tcp : HealthCheckKind.Http;

    public TimeSpan Interval => Http?.Interval ?? Tcp!.Interval;

    public TimeSpan Timeout => Http?.Timeout ?? Tcp!.Timeout;

    public TimeSpan GracePeriod => Http?.GracePeriod ?? Tcp!.GracePeriod;
}
