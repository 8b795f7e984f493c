using Microsoft.Extensions.Logging;

namespace Mesh.Gateway.Telemetry;

/// <summary>
/// Where a connection-level failure goes: always a count (<c>mesh_gateway_connection_errors</c>),
/// and a warning at most once per reason per <see cref="Interval"/>, with the count since the last one.
/// </summary>
public sealed partial class ConnectionFailures(GatewayMetrics metrics, TimeProvider time, ILogger<ConnectionFailures> logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private readonly FailureLog _log = new(time, Interval);

    public void Fail(string reason, string detail)
    {
        metrics.Error(reason);
        var count = _log.Record(reason);
        if (count > 0) LogFailure(logger, reason, count, detail);
    }

    public void Fail(Forwarding.ProxyError error, string detail) => Fail(Forwarding.ProxyErrors.Label(error), detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection failures: {Reason} x{Count} since the last report (latest: {Detail})")]
    private static partial void LogFailure(ILogger logger, string reason, long count, string detail);
}
