using System.Collections.Immutable;
using Mesh.Interfaces.Config;
using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Mesh.Domain.Config;

/// <summary>
/// Turns fly.toml text into an <see cref="AppConfig"/> the way flyctl reads it: services in
/// flyctl's order (<c>[http_service]</c> first, then each <c>[[services]]</c>), with its
/// legacy tolerances (string ports, a single table where a list is expected). The TOML is
/// walked by hand rather than bound to classes so every key can be named in messages and no
/// variation seen in real configs makes the read fail. Checking the values is
/// <see cref="ConfigValidator"/>'s job; <see cref="FlyToml.Load"/> runs both.
/// </summary>
public static class FlyTomlReader
{
    /// <summary>The documented default, and the corpus's convention (flyctl itself would send 0).</summary>
    public const int DefaultInternalPort = 8080;

    /// <summary>
    /// Reads a fly.toml. Throws <see cref="MeshException"/> (<c>config_invalid</c>) only for TOML
    /// syntax errors; values that cannot be read land in <see cref="ConfigReadResult.Errors"/>.
    /// </summary>
    public static ConfigReadResult Read(string text)
    {
        var document = Parse(text);
        var ctx = new TomlReadContext();
        FlyTomlSchema.WarnUnknownKeys(document, ctx);

        var services = ImmutableArray.CreateBuilder<ServiceConfig>();
        var paths = new List<string>();
        if (ctx.Table(document, "http_service", "") is { } httpService)
        {
            services.Add(ReadHttpService(httpService, "http_service", ctx));
            paths.Add("http_service");
        }
        foreach (var (table, path) in ctx.Tables(document, "services", ""))
        {
            // flyctl keeps only non-empty services: an empty [[services]] table is no service at all.
            if (table.Count == 0) continue;
            services.Add(ReadService(table, path, ctx));
            paths.Add(path);
        }

        var config = new AppConfig(
            ctx.String(document, "app", "") is { Length: > 0 } app ? app : null,
            ctx.String(document, "primary_region", "") is { Length: > 0 } region ? region : null,
            services.ToImmutable());
        return new ConfigReadResult(config, ctx.Warnings) { Errors = ctx.Errors, ServicePaths = paths };
    }

    /// <summary>
    /// Syntax first, then TOML's define-once rules (which Tomlyn's untyped model does not
    /// enforce; see <see cref="TomlDefinitionCheck"/>), then the untyped model to walk.
    /// </summary>
    private static TomlTable Parse(string text)
    {
        var document = SyntaxParser.Parse(text, "fly.toml", validate: false);
        if (document.Diagnostics.FirstOrDefault(d => d.Kind == DiagnosticMessageKind.Error) is { } syntax)
            throw SyntaxError(syntax.Span.Start, syntax.Message);
        if (TomlDefinitionCheck.FindRedefinition(document) is { } redefinition)
            throw SyntaxError(redefinition.At.Span.Start, redefinition.Message);
        try
        {
            return TomlSerializer.Deserialize<TomlTable>(text) ?? new TomlTable();
        }
        catch (TomlException ex)
        {
            // Not expected after the syntax pass above; kept so a Tomlyn surprise still reads as a config error.
            throw ex.Diagnostics is { Count: > 0 } d
                ? SyntaxError(d[0].Span.Start, d[0].Message)
                : new MeshException("config_invalid", $"fly.toml: {OneLine(ex.Message)}");
        }
    }

    /// <summary>Tomlyn positions are 0-based; people count lines from 1.</summary>
    private static MeshException SyntaxError(TextPosition at, string message) =>
        new("config_invalid", $"fly.toml line {at.Line + 1}, column {at.Column + 1}: {OneLine(message)}");

    private static ServiceConfig ReadService(TomlTable service, string path, TomlReadContext ctx) => new(
        // An empty protocol (corpus 126's ports-only table) reads as the default, like a missing one.
        ctx.String(service, "protocol", path) is { Length: > 0 } protocol ? protocol : ServiceConfig.Tcp,
        ctx.Int(service, "internal_port", path) ?? DefaultInternalPort,
        ctx.Strings(service, "processes", path),
        PortReader.ReadPorts(service, path, ctx),
        ReadConcurrency(service, path, ctx),
        CheckReader.ReadTcp(service, "tcp_checks", path, ctx),
        CheckReader.ReadHttp(service, "http_checks", path, ctx),
        FromHttpService: false);

    /// <summary>
    /// flyctl's <c>HTTPService.ToService</c>: one tcp service, port 80 <c>["http"]</c> with
    /// force_https and http_options, port 443 <c>["http","tls"]</c> with http_options and tls_options.
    /// </summary>
    private static ServiceConfig ReadHttpService(TomlTable httpService, string path, TomlReadContext ctx)
    {
        var httpOptions = PortReader.ReadHttpOptions(httpService, path, ctx);
        var tlsOptions = PortReader.ReadTlsOptions(httpService, path, ctx);
        var forceHttps = ctx.Bool(httpService, "force_https", path);
        ImmutableArray<PortConfig> ports =
        [
            new(80, null, null, [Handlers.Http], forceHttps, null, httpOptions, null),
            new(443, null, null, [Handlers.Http, Handlers.Tls], false, tlsOptions, httpOptions, null),
        ];
        return new ServiceConfig(
            ServiceConfig.Tcp,
            ctx.Int(httpService, "internal_port", path) ?? DefaultInternalPort,
            ctx.Strings(httpService, "processes", path),
            ports,
            ReadConcurrency(httpService, path, ctx),
            [],
            CheckReader.ReadHttp(httpService, "checks", path, ctx),
            FromHttpService: true);
    }

    /// <summary>
    /// Defaults: type connections, soft limit 20, no hard limit. A limit of 0 is what fly-go
    /// omits as "unset" (omitempty), so it reads as unset with a warning (corpus 132 has
    /// soft_limit = 0); a default soft limit never exceeds the hard limit the file sets.
    /// </summary>
    private static ConcurrencyConfig ReadConcurrency(TomlTable owner, string path, TomlReadContext ctx)
    {
        if (ctx.Table(owner, "concurrency", path) is not { } table) return ConcurrencyConfig.Default;
        var at = TomlReadContext.Child(path, "concurrency");
        var hard = ctx.Int(table, "hard_limit", at);
        if (hard == 0)
        {
            ctx.Warn(TomlReadContext.Child(at, "hard_limit"), "0 means unset; no hard limit");
            hard = null;
        }
        var defaultSoft = Math.Min(hard is > 0 ? hard.Value : int.MaxValue, ConcurrencyConfig.Default.SoftLimit);
        var soft = ctx.Int(table, "soft_limit", at);
        if (soft == 0)
        {
            ctx.Warn(TomlReadContext.Child(at, "soft_limit"), $"0 means unset; using the default {defaultSoft}");
            soft = null;
        }
        var type = ctx.String(table, "type", at) is { Length: > 0 } t ? t : ConcurrencyConfig.Connections;
        return new ConcurrencyConfig(type, soft ?? defaultSoft, hard);
    }

    /// <summary>Messages are printed as one line; user-supplied text may carry newlines.</summary>
    internal static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
