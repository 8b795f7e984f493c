using System.Diagnostics.Metrics;
using Mesh.Gateway.Health;
using Mesh.Gateway.Routing;

namespace Mesh.Gateway.Telemetry;

/// <summary>
/// The gateway's counters (meter <c>Mesh.Gateway</c>, exported in Prometheus format on the admin
/// port). Every failure kind has one; tests assert them.
/// </summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "Mesh.Gateway";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _proxied;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _bytesIn;
    private readonly Counter<long> _bytesOut;
    private readonly Histogram<double> _connectMs;
    private readonly Counter<long> _healthChecks;
    private readonly Counter<long> _dnsQueries;
    private readonly Counter<long> _udpDatagrams;
    private readonly Counter<long> _udpBytes;
    private readonly Counter<long> _udpDropped;
    private readonly Counter<long> _udpFlows;
    private long _active;
    private long _udpFlowsActive;
    // Mirrors of the counters the admin /status page and tests read without a metrics pipeline.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _totals = new(StringComparer.Ordinal);

    public GatewayMetrics()
    {
        _accepted = _meter.CreateCounter<long>("mesh_gateway_connections_accepted", description: "Connections accepted, by pipeline kind");
        _proxied = _meter.CreateCounter<long>("mesh_gateway_connections_proxied", description: "Connections connected to an instance");
        _failed = _meter.CreateCounter<long>("mesh_gateway_connection_errors", description: "Connections closed for an error, by reason");
        _bytesIn = _meter.CreateCounter<long>("mesh_gateway_bytes_upstream", "By", "Bytes from clients to instances");
        _bytesOut = _meter.CreateCounter<long>("mesh_gateway_bytes_downstream", "By", "Bytes from instances to clients");
        _connectMs = _meter.CreateHistogram<double>("mesh_gateway_upstream_connect_ms", "ms", "Time to connect to an instance");
        _healthChecks = _meter.CreateCounter<long>("mesh_gateway_health_checks", description: "Health checks run, by kind and result");
        _dnsQueries = _meter.CreateCounter<long>("mesh_gateway_dns_queries", description: "Internal DNS queries, by response code (unanswered: not parsable)");
        _meter.CreateObservableGauge("mesh_gateway_connections_active", () => Interlocked.Read(ref _active), description: "Connections open now");
        _udpDatagrams = _meter.CreateCounter<long>("mesh_gateway_udp_datagrams", description: "UDP datagrams relayed, by direction (upstream: client to instance)");
        _udpBytes = _meter.CreateCounter<long>("mesh_gateway_udp_bytes", "By", "UDP payload bytes relayed, by direction");
        _udpDropped = _meter.CreateCounter<long>("mesh_gateway_udp_dropped", description: "UDP datagrams not relayed, by reason");
        _udpFlows = _meter.CreateCounter<long>("mesh_gateway_udp_flows", description: "UDP flows, by event (created, expired, moved, closed)");
        _meter.CreateObservableGauge("mesh_gateway_udp_flows_active", () => Interlocked.Read(ref _udpFlowsActive), description: "UDP flows open now");
    }

    public void Accepted(ListenerKind kind)
    {
        _accepted.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString().ToLowerInvariant()));
        Count("accepted");
        Interlocked.Increment(ref _active);
    }

    public void Closed() => Interlocked.Decrement(ref _active);

    public void Proxied(string app, double connectMs)
    {
        _proxied.Add(1, new KeyValuePair<string, object?>("app", app));
        _connectMs.Record(connectMs);
        Count("proxied");
    }

    public void Error(string reason)
    {
        _failed.Add(1, new KeyValuePair<string, object?>("reason", reason));
        Count("error." + reason);
    }

    public void Error(Forwarding.ProxyError error) => Error(Forwarding.ProxyErrors.Label(error));

    public void DnsAnswered(string rcode)
    {
        _dnsQueries.Add(1, new KeyValuePair<string, object?>("rcode", rcode));
        Count("dns." + rcode);
    }

    public void Bytes(long upstream, long downstream)
    {
        if (upstream > 0) _bytesIn.Add(upstream);
        if (downstream > 0) _bytesOut.Add(downstream);
        Count("bytes.upstream", upstream);
        Count("bytes.downstream", downstream);
    }

    public void HealthCheck(HealthCheckKind kind, bool passed)
    {
        var (kindTag, total) = (kind, passed) switch
        {
            (HealthCheckKind.Tcp, true) => ("tcp", "health.tcp.passed"),
            (HealthCheckKind.Tcp, false) => ("tcp", "health.tcp.failed"),
            (_, true) => ("http", "health.http.passed"),
            _ => ("http", "health.http.failed"),
        };
        _healthChecks.Add(1, new KeyValuePair<string, object?>("kind", kindTag), new KeyValuePair<string, object?>("result", passed ? "passed" : "failed"));
        Count(total);
    }

    /// <summary>One datagram relayed; per datagram, so no allocation (static tag values, no closures).</summary>
    public void UdpDatagram(bool upstream, int bytes)
    {
        var direction = new KeyValuePair<string, object?>("direction", upstream ? "upstream" : "downstream");
        _udpDatagrams.Add(1, direction);
        _udpBytes.Add(bytes, direction);
        Count(upstream ? "udp.datagrams.upstream" : "udp.datagrams.downstream");
        Count(upstream ? "udp.bytes.upstream" : "udp.bytes.downstream", bytes);
    }

    public void UdpDropped(string reason)
    {
        _udpDropped.Add(1, new KeyValuePair<string, object?>("reason", reason));
        Count("udp.drop." + reason);
    }

    public void UdpFlowOpened()
    {
        _udpFlows.Add(1, new KeyValuePair<string, object?>("event", "created"));
        Count("udp.flows.created");
        Interlocked.Increment(ref _udpFlowsActive);
        Count("udp.flows.active");
    }

    /// <summary>A flow ended: <c>expired</c> (idle), <c>moved</c> (its instance went away), or <c>closed</c> (its address or the gateway did).</summary>
    public void UdpFlowClosed(string why)
    {
        _udpFlows.Add(1, new KeyValuePair<string, object?>("event", why));
        Count("udp.flows." + why);
        Interlocked.Decrement(ref _udpFlowsActive);
        Count("udp.flows.active", -1);
    }

    public IReadOnlyDictionary<string, long> Totals() => new SortedDictionary<string, long>(_totals, StringComparer.Ordinal);

    public long Active => Interlocked.Read(ref _active);

    // Static lambdas with the amount as an argument: no closure allocated per count.
    public void Count(string name, long by = 1) => _totals.AddOrUpdate(name, static (_, b) => b, static (_, v, b) => v + b, by);

    public void Dispose() => _meter.Dispose();
}
