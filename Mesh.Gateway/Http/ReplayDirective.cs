namespace Mesh.Gateway.Http;

/// <summary>
/// A <c>fly-replay</c> response header (fly-reference §1E): where the gateway should send the
/// request again — <c>region=R</c>, <c>instance=ID</c>, <c>elsewhere=true</c> (any other
/// instance), <c>app=NAME</c> — and opaque <c>state</c> handed to the next instance in
/// <c>fly-replay-src</c>.
/// </summary>
public sealed record ReplayDirective(string? Region, string? Instance, bool Elsewhere, string? App, string? State)
{
    public const string Header = "fly-replay";
    public const string SourceHeader = "fly-replay-src";

    /// <summary>Replays per client request; the mirrored platform stops at 10 as well.</summary>
    public const int MaxHops = 10;

    /// <summary>Request bodies up to this size are buffered so they can be replayed (the smaller of the two limits the reference gives).</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    public static ReplayDirective? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        string? region = null, instance = null, app = null, state = null;
        var elsewhere = false;
        foreach (var part in header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) continue;
            var key = part[..eq].Trim().ToLowerInvariant();
            var value = part[(eq + 1)..].Trim();
            switch (key)
            {
                case "region": region = value; break;
                case "instance": instance = value; break;
                case "elsewhere": elsewhere = value.Equals("true", StringComparison.OrdinalIgnoreCase); break;
                case "app": app = value; break;
                case "state": state = value; break;
            }
        }
        return region is null && instance is null && !elsewhere && app is null ? null : new ReplayDirective(region, instance, elsewhere, app, state);
    }
}
