using System.Globalization;
using System.Text;

namespace Mesh.Domain.Config;

/// <summary>
/// Check durations as flyctl reads them: a TOML integer is milliseconds, a string is a Go
/// duration (<c>time.ParseDuration</c>: "15s", "500ms", "1m30s", "1.5h"; units ns, us/µs, ms, s, m, h).
/// </summary>
internal static class FlyDuration
{
    private static readonly (string Unit, decimal Nanoseconds)[] Units =
    [
        ("ns", 1m), ("us", 1_000m), ("µs", 1_000m), ("μs", 1_000m), ("ms", 1_000_000m),
        ("s", 1_000_000_000m), ("m", 60_000_000_000m), ("h", 3_600_000_000_000m),
    ];

    /// <summary>Parses a Go duration string; negative values are refused (no check runs backwards).</summary>
    public static bool TryParse(string text, out TimeSpan value, out string? error)
    {
        value = TimeSpan.Zero;
        error = null;
        var s = text.Trim();
        if (s.StartsWith('-'))
        {
            error = "must not be negative";
            return false;
        }
        if (s.StartsWith('+')) s = s[1..];
        if (s == "0") return true; // Go accepts a bare zero without a unit.
        if (s.Length == 0)
        {
            error = "is empty";
            return false;
        }
        if (decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _))
        {
            // "5000" is ambiguous (seconds? milliseconds?); Go rejects it, and so do we, with the fix.
            error = $"has no unit (write \"{s}s\", or a bare number {s} for milliseconds)";
            return false;
        }

        decimal nanoseconds = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            var number = s[start..i];
            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.') i++;
            var unit = s[unitStart..i];
            if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
                || !TryUnit(unit, out var scale))
            {
                error = "is not a duration (use e.g. \"15s\", \"500ms\", \"1m30s\", or a number of milliseconds)";
                return false;
            }
            nanoseconds += amount * scale;
            if (nanoseconds > (decimal)TimeSpan.MaxValue.Ticks * 100)
            {
                error = "is too large";
                return false;
            }
        }
        value = TimeSpan.FromTicks((long)Math.Round(nanoseconds / 100m));
        return true;
    }

    /// <summary>Renders a duration the way a fly.toml would write it ("500ms", "15s", "1m30s").</summary>
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.FromSeconds(1))
            return value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
        var text = new StringBuilder();
        if (value.Days > 0 || value.Hours > 0) text.Append((int)value.TotalHours).Append('h');
        if (value.Minutes > 0) text.Append(value.Minutes).Append('m');
        var seconds = value.Seconds + value.Milliseconds / 1000m;
        if (seconds > 0) text.Append(seconds.ToString(CultureInfo.InvariantCulture)).Append('s');
        return text.ToString();
    }

    private static bool TryUnit(string unit, out decimal nanoseconds)
    {
        foreach (var (name, scale) in Units)
        {
            if (name == unit)
            {
                nanoseconds = scale;
                return true;
            }
        }
        nanoseconds = 0;
        return false;
    }
}
