using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Mesh.Certificates;

/// <summary>
/// The certificate counters of meter <c>Mesh.Silo</c>: issuances, renewals, failures by reason,
/// and days to expiry per hostname (the certificates whose grain is active on this silo).
/// </summary>
public sealed class CertificateMetrics : IDisposable
{
    public const string MeterName = "Mesh.Silo";

    private readonly Meter _meter;

    /// <summary>The meter, for listeners and exporters.</summary>
    public Meter Meter => _meter;
    private readonly Counter<long> _issuances;
    private readonly Counter<long> _renewals;
    private readonly Counter<long> _failures;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _expiries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public CertificateMetrics(TimeProvider time)
    {
        _time = time;
        _meter = new Meter(MeterName);
        _issuances = _meter.CreateCounter<long>("mesh_certificate_issuances", description: "Certificates obtained for a hostname the first time");
        _renewals = _meter.CreateCounter<long>("mesh_certificate_renewals", description: "Certificates replaced by a renewal");
        _failures = _meter.CreateCounter<long>("mesh_certificate_failures", description: "Failed issuances and renewals, by reason");
        _meter.CreateObservableGauge("mesh_certificate_days_to_expiry", ObserveExpiries, unit: "d", description: "Days until the certificate served for a hostname expires");
    }

    public void Issued(string hostname, bool renewal, DateTimeOffset notAfter)
    {
        (renewal ? _renewals : _issuances).Add(1);
        _expiries[hostname] = notAfter;
    }

    public void Serving(string hostname, DateTimeOffset notAfter) => _expiries[hostname] = notAfter;

    public void Failed(string reason) => _failures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Forget(string hostname) => _expiries.TryRemove(hostname, out _);

    private IEnumerable<Measurement<double>> ObserveExpiries()
    {
        var now = _time.GetUtcNow();
        return _expiries.Select(e => new Measurement<double>((e.Value - now).TotalDays, new KeyValuePair<string, object?>("hostname", e.Key)));
    }

    public void Dispose() => _meter.Dispose();
}
