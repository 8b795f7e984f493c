using System.Net;
using ARSoft.Tools.Net.Dns;

namespace Mesh.Whoami;

/// <summary>ARSoft's <see cref="DnsServer"/> on UDP and TCP at each endpoint, answering with <see cref="WhoamiResponder"/>.</summary>
public sealed class WhoamiDnsServer(IEnumerable<IPEndPoint> endpoints, WhoamiResponder responder) : IDisposable
{
    private const int TimeoutMs = 5000;
    private readonly List<DnsServer> _servers = [];

    public void Start()
    {
        foreach (var endpoint in endpoints)
        {
            var server = new DnsServer(new UdpServerTransport(endpoint, TimeoutMs), new TcpServerTransport(endpoint, TimeoutMs, TimeoutMs));
            server.QueryReceived += (_, e) =>
            {
                e.Response = responder.Respond(e.Query, e.RemoteEndpoint.Address);
                return Task.CompletedTask;
            };
            _servers.Add(server);
            server.Start();
        }
    }

    public void Dispose()
    {
        foreach (var server in _servers) server.Stop();
        _servers.Clear();
    }
}
