using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Mesh.Certificates;

namespace Mesh.Silo.Hosting;

/// <summary>
/// Reads the silo's own meter (<c>Mesh.Silo</c>: certificate issuances, renewals, failures by
/// reason, days to expiry) and writes it in the Prometheus text format for <c>GET /v1/metrics</c>.
/// Counters are summed per tag set as they are recorded; gauges are observed at each scrape.
/// </summary>
public sealed class SiloMeterReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), double> _counters = new();
    private readonly object _scrape = new();
    private Dictionary<(string Name, string Labels), double> _gauges = [];

    public SiloMeterReader()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CertificateMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public string Scrape()
    {
        lock (_scrape)
        {
            _gauges = [];
            _listener.RecordObservableInstruments();
            var text = new StringBuilder();
            foreach (var ((name, labels), value) in _counters.OrderBy(c => c.Key.Name, StringComparer.Ordinal).ThenBy(c => c.Key.Labels, StringComparer.Ordinal))
            {
                text.Append(name).Append(labels).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
            foreach (var ((name, labels), value) in _gauges.OrderBy(c => c.Key.Name, StringComparer.Ordinal).ThenBy(c => c.Key.Labels, StringComparer.Ordinal))
            {
                text.Append(name).Append(labels).Append(' ').Append(value.ToString("0.###", CultureInfo.InvariantCulture)).Append('\n');
            }
            return text.ToString();
        }
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags) where T : struct
    {
        var key = (instrument.Name, Labels(tags));
        var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        if (instrument is ObservableGauge<double> or ObservableGauge<long>)
        {
            // Called inside RecordObservableInstruments, under the scrape lock.
            _gauges[key] = number;
            return;
        }
        _counters.AddOrUpdate(key, number, (_, old) => old + number);
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty) return "";
        var text = new StringBuilder("{");
        foreach (var (k, v) in tags)
        {
            if (text.Length > 1) text.Append(',');
            text.Append(k).Append("=\"").Append(Convert.ToString(v, CultureInfo.InvariantCulture)?.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append('"');
        }
        return text.Append('}').ToString();
    }

    public void Dispose() => _listener.Dispose();
}
