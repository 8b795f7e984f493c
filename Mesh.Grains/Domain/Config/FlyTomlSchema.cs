using Tomlyn.Model;

namespace Mesh.Domain.Config;

/// <summary>
/// The keys flyctl knows, so that anything else gets an "unknown key" warning instead of being
/// dropped silently. Same schema as the corpus's unknown_keys.py: the JSON field names flyctl
/// decodes into (internal/appconfig config.go, service.go, toplevelcheck.go, patches.go) and fly-go
/// machine_types.go. Sections Mesh itself ignores (build, deploy, vm, mounts, ...) are known too.
/// </summary>
internal static class FlyTomlSchema
{
    private static readonly KeySchema HttpCheck = KeySchema.Table(
        "interval", "timeout", "grace_period", "method", "path", "protocol", "tls_skip_verify", "tls_server_name",
        "headers").AsList();

    private static readonly KeySchema TcpCheck = KeySchema.Table("interval", "timeout", "grace_period").AsList();

    private static readonly KeySchema MachineCheck = KeySchema.Table(
        "command", "image", "entrypoint", "kill_signal", "kill_timeout").AsList();

    private static readonly KeySchema Concurrency = KeySchema.Table("type", "hard_limit", "soft_limit");

    private static readonly KeySchema TlsOptions = KeySchema.Table("alpn", "versions", "default_self_signed");

    private static readonly KeySchema HttpOptions = KeySchema.Table(
        "compress", "h2_backend", "idle_timeout", "headers_read_timeout").With(
        ("response", KeySchema.Table("headers", "pristine")),
        ("replay_cache", KeySchema.Table("path_prefix", "ttl_seconds", "type", "name", "allow_bypass")));

    private static readonly KeySchema Port = KeySchema.Table("port", "start_port", "end_port", "handlers", "force_https")
        .With(("tls_options", TlsOptions), ("http_options", HttpOptions), ("proxy_proto_options", KeySchema.Table("version")))
        .AsList();

    private static readonly KeySchema Service = KeySchema.Table(
        "protocol", "internal_port", "auto_stop_machines", "auto_start_machines", "min_machines_running", "processes")
        .With(("ports", Port), ("concurrency", Concurrency), ("tcp_checks", TcpCheck), ("http_checks", HttpCheck),
              ("machine_checks", MachineCheck))
        .AsList();

    private static readonly KeySchema HttpService = KeySchema.Table(
        "internal_port", "force_https", "auto_stop_machines", "auto_start_machines", "min_machines_running", "processes")
        .With(("concurrency", Concurrency), ("tls_options", TlsOptions), ("http_options", HttpOptions),
              ("checks", HttpCheck), ("machine_checks", MachineCheck));

    private static readonly KeySchema TopLevelCheck = KeySchema.Table(
        "port", "type", "interval", "timeout", "grace_period", "method", "path", "protocol", "tls_skip_verify",
        "tls_server_name", "processes", "headers");

    private static readonly KeySchema Build = KeySchema.Table(
        "builder", "buildpacks", "image", "builtin", "dockerfile", "ignorefile", "build-target", "build_target",
        "compose", "compression", "compression_level", "args", "settings");

    private static readonly KeySchema Deploy = KeySchema.Table(
        "strategy", "max_unavailable", "wait_timeout", "release_command", "release_command_timeout",
        "release_command_vm", "seed_command");

    private static readonly KeySchema Mount = KeySchema.Table(
        "source", "destination", "initial_size", "snapshot_retention", "scheduled_snapshots",
        "auto_extend_size_threshold", "auto_extend_size_increment", "auto_extend_size_limit", "processes");

    private static readonly KeySchema Metrics = KeySchema.Table("port", "path", "https", "processes");

    private static readonly KeySchema Vm = KeySchema.Table(
        "size", "memory", "cpu_kind", "cpus", "memory_mb", "max_memory_mb", "gpus", "gpu_kind", "host_dedication_id",
        "persist_rootfs", "kernel_args", "processes");

    private static readonly KeySchema Experimental = KeySchema.Table(
        "cmd", "entrypoint", "exec", "auto_rollback", "enable_consul", "enable_etcd", "lazy_load_images", "attached",
        "machine_config", "kill_timeout", "metrics_port", "metrics_path");

    private static readonly KeySchema Root = KeySchema.Table(
        "app", "primary_region", "kill_signal", "kill_timeout", "swap_size_mb", "console_command",
        "host_dedication_id", "machine_config", "container", "env", "processes")
        .With(("build", Build), ("deploy", Deploy), ("experimental", Experimental), ("http_service", HttpService),
              ("services", Service), ("checks", KeySchema.NamedEntries(TopLevelCheck)), ("mounts", Mount),
              ("mount", Mount), ("metrics", Metrics), ("metric", Metrics),
              ("statics", KeySchema.Table("guest_path", "url_prefix", "tigris_bucket", "index_document")),
              ("files", KeySchema.Table("guest_path", "local_path", "secret_name", "raw_value", "processes")),
              ("vm", Vm), ("compute", Vm), ("computes", Vm),
              ("restart", KeySchema.Table("policy", "retries", "processes")), ("machine_checks", MachineCheck));

    /// <summary>Warns once for every key of <paramref name="document"/> that flyctl's schema does not know.</summary>
    public static void WarnUnknownKeys(TomlTable document, TomlReadContext ctx) => Walk(document, Root, "", ctx);

    private static void Walk(object value, KeySchema schema, string path, TomlReadContext ctx)
    {
        if (schema.EachEntry is { } entry)
        {
            if (value is TomlTable named)
            {
                foreach (var (name, item) in named) Walk(item, entry, TomlReadContext.Child(path, name), ctx);
            }
            return;
        }
        if (schema.Keys is not { } known) return;

        foreach (var (item, at) in TomlReadContext.Items(value, path, schema.IsList))
        {
            if (item is not TomlTable table) continue;
            foreach (var (key, child) in table)
            {
                var childPath = TomlReadContext.Child(at, key);
                if (known.TryGetValue(key, out var childSchema)) Walk(child, childSchema, childPath, ctx);
                else ctx.WarnText($"unknown key '{childPath}' ignored");
            }
        }
    }
}
