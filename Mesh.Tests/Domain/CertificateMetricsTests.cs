using System.Diagnostics.Metrics;
using Mesh.Certificates;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Tests.Domain;

public sealed class CertificateMetricsTests
{
    [Fact]
    public void Issuances_renewals_failures_and_days_to_expiry_are_measured_on_meter_mesh_silo()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        using var metrics = new CertificateMetrics(time);
        var seen = new List<(string Name, double Value, string? Tag)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == metrics.Meter) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => seen.Add((i.Name, v, Tag(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => seen.Add((i.Name, v, Tag(tags))));
        listener.Start();

        metrics.Issued("a.test", renewal: false, time.GetUtcNow().AddDays(90));
        metrics.Issued("a.test", renewal: true, time.GetUtcNow().AddDays(60));
        metrics.Failed("rateLimited");
        metrics.Serving("b.test", time.GetUtcNow().AddDays(10));
        listener.RecordObservableInstruments();

        Assert.Contains(("mesh_certificate_issuances", 1, null), seen);
        Assert.Contains(("mesh_certificate_renewals", 1, null), seen);
        Assert.Contains(("mesh_certificate_failures", 1, "rateLimited"), seen);
        Assert.Contains(("mesh_certificate_days_to_expiry", 60, "a.test"), seen);
        Assert.Contains(("mesh_certificate_days_to_expiry", 10, "b.test"), seen);
        Assert.Equal("Mesh.Silo", metrics.Meter.Name);
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags) => tags.Length > 0 ? tags[0].Value?.ToString() : null;
}
