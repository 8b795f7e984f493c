using System.Collections.Immutable;
using Mesh.Interfaces.Config;
using Tomlyn.Model;

namespace Mesh.Domain.Config;

/// <summary>
/// Reads <c>[[services.ports]]</c> entries and the per-port option tables (<c>tls_options</c>,
/// <c>http_options</c>, <c>proxy_proto_options</c>), which <c>[http_service]</c> also carries.
/// Values are taken as written; whether they are allowed is <see cref="ConfigValidator"/>'s call.
/// </summary>
internal static class PortReader
{
    public static ImmutableArray<PortConfig> ReadPorts(TomlTable service, string path, TomlReadContext ctx) =>
        [.. ctx.Tables(service, "ports", path).Select(p => ReadPort(p.Table, p.Path, ctx))];

    private static PortConfig ReadPort(TomlTable port, string path, TomlReadContext ctx)
    {
        var number = ctx.Int(port, "port", path);
        var start = ctx.Int(port, "start_port", path);
        var end = ctx.Int(port, "end_port", path);
        if (number is not null && (start is not null || end is not null))
        {
            // flyctl (and the corpus's expected.py) read "port" and drop the range; say so.
            ctx.Warn(path, $"both port and start_port/end_port are set; using port {number}");
            (start, end) = (null, null);
        }
        // Handler order carries no meaning (["tls","http"] == ["http","tls"]); sorting makes configs comparable.
        var handlers = ctx.Strings(port, "handlers", path).Sort(StringComparer.Ordinal);
        return new PortConfig(
            number, start, end, handlers,
            ctx.Bool(port, "force_https", path),
            ReadTlsOptions(port, path, ctx),
            ReadHttpOptions(port, path, ctx),
            ReadProxyProtoOptions(port, path, ctx));
    }

    public static TlsOptions? ReadTlsOptions(TomlTable owner, string path, TomlReadContext ctx)
    {
        if (ctx.Table(owner, "tls_options", path) is not { } table) return null;
        var at = TomlReadContext.Child(path, "tls_options");
        return new TlsOptions(
            ctx.Strings(table, "alpn", at),
            ctx.Strings(table, "versions", at),
            ctx.Bool(table, "default_self_signed", at));
    }

    public static HttpOptions? ReadHttpOptions(TomlTable owner, string path, TomlReadContext ctx)
    {
        if (ctx.Table(owner, "http_options", path) is not { } table) return null;
        var at = TomlReadContext.Child(path, "http_options");
        if (table.ContainsKey("replay_cache"))
            ctx.Warn(TomlReadContext.Child(at, "replay_cache"), "not supported by Mesh yet; ignored");
        var response = ctx.Table(table, "response", at);
        var responseAt = TomlReadContext.Child(at, "response");
        return new HttpOptions(
            ctx.Bool(table, "compress", at),
            ctx.Bool(table, "h2_backend", at),
            ctx.Int(table, "idle_timeout", at),
            ctx.Int(table, "headers_read_timeout", at),
            response is not null && ctx.Bool(response, "pristine", responseAt),
            response is null ? [] : ReadResponseHeaders(response, responseAt, ctx));
    }

    /// <summary><c>Name = false</c> removes the header, a string adds it, an array adds each value.</summary>
    private static ImmutableArray<ResponseHeaderRule> ReadResponseHeaders(TomlTable response, string path, TomlReadContext ctx)
    {
        if (ctx.Table(response, "headers", path) is not { } headers) return [];
        var at = TomlReadContext.Child(path, "headers");
        var rules = ImmutableArray.CreateBuilder<ResponseHeaderRule>(headers.Count);
        foreach (var (name, value) in headers)
        {
            var headerAt = TomlReadContext.Child(at, name);
            switch (value)
            {
                case false:
                    rules.Add(new ResponseHeaderRule(name, Remove: true, []));
                    break;
                case true:
                    ctx.Warn(headerAt, "true means nothing here (false removes the header, a string sets it); ignored");
                    break;
                default:
                    var values = ctx.HeaderValues(value, headerAt);
                    if (values.Length > 0) rules.Add(new ResponseHeaderRule(name, Remove: false, values));
                    break;
            }
        }
        return rules.ToImmutable();
    }

    private static ProxyProtoOptions? ReadProxyProtoOptions(TomlTable port, string path, TomlReadContext ctx)
    {
        if (ctx.Table(port, "proxy_proto_options", path) is not { } table) return null;
        // An options table without a version asks for the default, v1 (Fly: "unset ⇒ v1 text").
        return new ProxyProtoOptions(ctx.String(table, "version", TomlReadContext.Child(path, "proxy_proto_options")) ?? "v1");
    }
}
