namespace Mesh.Tests.Infrastructure;

/// <summary>
/// nginx (Debian's, with the stream module) as an app that accepts the PROXY protocol and answers
/// every connection with what the header said: "client=ADDR:PORT dialled=ADDR:PORT".
/// </summary>
internal sealed class NginxProxyProtocolApp : IAsyncDisposable
{
    private readonly TempDir _dir = new();

    public int Port { get; } = FreePort.Next();

    public string Address => $"127.0.0.1:{Port}";

    public static async Task<NginxProxyProtocolApp> StartAsync()
    {
        var app = new NginxProxyProtocolApp();
        var conf = Path.Combine(app._dir.Path, "nginx.conf");
        await File.WriteAllTextAsync(conf, $$"""
            load_module /usr/lib/nginx/modules/ngx_stream_module.so;
            pid {{app._dir.Path}}/nginx.pid;
            error_log {{app._dir.Path}}/error.log;
            worker_processes 1;
            events { worker_connections 64; }
            stream {
              server {
                listen 127.0.0.1:{{app.Port}} proxy_protocol;
                return "client=$proxy_protocol_addr:$proxy_protocol_port dialled=$proxy_protocol_server_addr:$proxy_protocol_server_port\n";
              }
            }
            """);
        // In daemon mode the first process exits once the sockets are bound: that is "ready".
        var start = await Tool.RunAsync("nginx", ["-c", conf, "-p", app._dir.Path]);
        if (start.ExitCode != 0) throw new InvalidOperationException("nginx failed: " + start.Stderr);
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        var pidFile = Path.Combine(_dir.Path, "nginx.pid");
        if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), out var pid))
        {
            await Tool.RunAsync("kill", ["-TERM", pid.ToString()]);
        }
        _dir.Dispose();
    }
}
