namespace Mesh.Tests.Grains;

/// <summary>Small fly.toml files the grain tests deploy.</summary>
internal static class Configs
{
    public const string Web = """
        app = "web"
        primary_region = "ams"

        [http_service]
          internal_port = 8080
          force_https = true
        """;

    public const string PostgresOnly = """
        [[services]]
          internal_port = 5432
          protocol = "tcp"
          [[services.ports]]
            port = 5432
            handlers = ["pg_tls"]
        """;

    public const string NoServices = """
        app = "worker"
        [env]
          MODE = "batch"
        """;

    public const string UnknownHandler = """
        [[services]]
          internal_port = 8080
          [[services.ports]]
            port = 80
            handlers = ["bogus"]
        """;
}
