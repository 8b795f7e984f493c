namespace Mesh.Tests.Gateway;

internal static class GatewayConfigs
{
    public static string Tcp(int port, string handlers = "", string extra = "") => $$"""
        [[services]]
          internal_port = {{port}}
          protocol = "tcp"
          {{extra}}
          [[services.ports]]
            port = {{port}}
            handlers = [{{handlers}}]
        """;
}
