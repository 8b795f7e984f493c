using System.Collections.Immutable;
using Mesh.Interfaces.Config;
using Tomlyn.Model;

namespace Mesh.Domain.Config;

/// <summary>
/// Reads <c>tcp_checks</c>, <c>http_checks</c> and <c>http_service.checks</c>. Defaults and
/// limits are flyctl's: interval 15s, timeout 2s, grace period 1s; interval and timeout are
/// raised to 1s / lowered to 1min with a warning (validation.go), grace may be 0 but not above 1min.
/// </summary>
internal static class CheckReader
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Minimum = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Maximum = TimeSpan.FromMinutes(1);

    public static ImmutableArray<TcpCheckConfig> ReadTcp(TomlTable owner, string key, string path, TomlReadContext ctx) =>
        [.. ctx.Tables(owner, key, path).Select(c => new TcpCheckConfig(
            Interval(c.Table, c.Path, ctx), Timeout(c.Table, c.Path, ctx), GracePeriod(c.Table, c.Path, ctx)))];

    public static ImmutableArray<HttpCheckConfig> ReadHttp(TomlTable owner, string key, string path, TomlReadContext ctx) =>
        [.. ctx.Tables(owner, key, path).Select(c => ReadHttpCheck(c.Table, c.Path, ctx))];

    private static HttpCheckConfig ReadHttpCheck(TomlTable check, string path, TomlReadContext ctx)
    {
        // Methods are case-insensitive in practice (corpus 123 writes "get"); HTTP wants them upper-case.
        var method = ctx.String(check, "method", path) is { Length: > 0 } m ? m.ToUpperInvariant() : "GET";
        var protocol = ctx.String(check, "protocol", path) is { Length: > 0 } p ? p.ToLowerInvariant() : "http";
        return new HttpCheckConfig(
            Interval(check, path, ctx),
            Timeout(check, path, ctx),
            GracePeriod(check, path, ctx),
            method,
            ctx.String(check, "path", path) is { Length: > 0 } target ? target : "/",
            protocol,
            ctx.String(check, "tls_server_name", path),
            ctx.Bool(check, "tls_skip_verify", path),
            Headers(check, path, ctx));
    }

    private static ImmutableArray<HeaderValue> Headers(TomlTable check, string path, TomlReadContext ctx)
    {
        var headersPath = TomlReadContext.Child(path, "headers");
        if (ctx.Table(check, "headers", path) is not { } headers) return [];
        var result = ImmutableArray.CreateBuilder<HeaderValue>();
        foreach (var (name, value) in headers)
        {
            foreach (var text in ctx.HeaderValues(value, TomlReadContext.Child(headersPath, name)))
                result.Add(new HeaderValue(name, text));
        }
        return result.ToImmutable();
    }

    private static TimeSpan Interval(TomlTable check, string path, TomlReadContext ctx) =>
        Clamp(Duration(check, "interval", path, DefaultInterval, ctx), Minimum, TomlReadContext.Child(path, "interval"), ctx);

    private static TimeSpan Timeout(TomlTable check, string path, TomlReadContext ctx) =>
        Clamp(Duration(check, "timeout", path, DefaultTimeout, ctx), Minimum, TomlReadContext.Child(path, "timeout"), ctx);

    private static TimeSpan GracePeriod(TomlTable check, string path, TomlReadContext ctx) =>
        Clamp(Duration(check, "grace_period", path, DefaultGracePeriod, ctx), TimeSpan.Zero, TomlReadContext.Child(path, "grace_period"), ctx);

    private static TimeSpan Clamp(TimeSpan value, TimeSpan minimum, string path, TomlReadContext ctx)
    {
        if (value < minimum)
        {
            ctx.Warn(path, $"{FlyDuration.Format(value)} is below the {FlyDuration.Format(minimum)} minimum; raised to {FlyDuration.Format(minimum)}");
            return minimum;
        }
        if (value > Maximum)
        {
            ctx.Warn(path, $"{FlyDuration.Format(value)} is above the {FlyDuration.Format(Maximum)} maximum; lowered to {FlyDuration.Format(Maximum)}");
            return Maximum;
        }
        return value;
    }

    /// <summary>A duration: a TOML number is milliseconds, a string is a Go duration.</summary>
    private static TimeSpan Duration(TomlTable check, string key, string path, TimeSpan fallback, TomlReadContext ctx)
    {
        if (!check.TryGetValue(key, out var value)) return fallback;
        var at = TomlReadContext.Child(path, key);
        switch (value)
        {
            case long ms when ms >= 0:
                return TimeSpan.FromMilliseconds(ms);
            case double ms when ms >= 0 && ms < TimeSpan.MaxValue.TotalMilliseconds:
                return TimeSpan.FromMilliseconds(ms);
            case long or double:
                ctx.Error(at, $"{TomlReadContext.Describe(value)} must not be negative");
                return fallback;
            case string text:
                if (FlyDuration.TryParse(text, out var parsed, out var error)) return parsed;
                ctx.Error(at, $"\"{text}\" {error}");
                return fallback;
            default:
                ctx.Error(at, $"expected a duration such as \"15s\" or a number of milliseconds, got {TomlReadContext.Describe(value)}");
                return fallback;
        }
    }
}
