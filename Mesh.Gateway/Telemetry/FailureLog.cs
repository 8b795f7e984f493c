namespace Mesh.Gateway.Telemetry;

/// <summary>
/// Decides when a failure kind is worth a log line: the first occurrence of a reason logs at
/// once, later ones within the interval are only counted, and the next occurrence after the
/// interval logs with how many happened since the last line. A thousand bad handshakes are a
/// thousand counts and a couple of lines, never a thousand lines (a flood must not become a
/// disk-filling or console-lock attack of its own).
/// </summary>
public sealed class FailureLog(TimeProvider time, TimeSpan interval)
{
    private readonly Dictionary<string, (long LoggedAt, long Pending)> _reasons = new(StringComparer.Ordinal);

    /// <summary>Records one failure of <paramref name="reason"/>; returns the count to log now, or 0 to stay quiet.</summary>
    public long Record(string reason)
    {
        var now = time.GetTimestamp();
        lock (_reasons)
        {
            if (_reasons.TryGetValue(reason, out var entry) && time.GetElapsedTime(entry.LoggedAt, now) < interval)
            {
                _reasons[reason] = (entry.LoggedAt, entry.Pending + 1);
                return 0;
            }
            var count = entry.Pending + 1;
            _reasons[reason] = (now, 0);
            return count;
        }
    }
}
