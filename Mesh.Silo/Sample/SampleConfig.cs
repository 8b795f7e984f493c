namespace Mesh.Silo.Sample;

/// <summary>The fly.toml the sample app is deployed with: one HTTP service on 80 and 443.</summary>
internal static class SampleConfig
{
    public const string FlyToml = """
        app = "hello"
        primary_region = "ams"

        [http_service]
          internal_port = 8080
          force_https = false

          [http_service.concurrency]
            type = "requests"
            soft_limit = 200
            hard_limit = 250
        """;
}
