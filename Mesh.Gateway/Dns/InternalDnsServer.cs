using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Dns;

/// <summary>
/// Serves the <c>.internal</c> zone on UDP and TCP at each endpoint of
/// <see cref="InternalDnsOptions.Listen"/> with ARSoft's <see cref="DnsServer"/>, answering from
/// the gateway's current table; the asker is the query's source address. An endpoint that cannot
/// be bound yet (its private address not up) is retried until it can.
/// </summary>
public sealed partial class InternalDnsServer(
    GatewayState state,
    IOptions<GatewayOptions> gatewayOptions,
    IOptions<InternalDnsOptions> dnsOptions,
    GatewayMetrics metrics,
    TimeProvider time,
    ILogger<InternalDnsServer> logger) : IHostedService, IDisposable
{
    private readonly InternalDnsOptions _options = dnsOptions.Value;
    private readonly string _region = gatewayOptions.Value.Region;
    private readonly ConcurrentDictionary<IPEndPoint, DnsServer> _servers = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly InternalDnsResponder _responder = new(new InternalDnsResolver(RttFrom(state, gatewayOptions.Value.Region)));
    // Endpoints whose bind failure was reported: retries stay quiet until one succeeds.
    private readonly HashSet<IPEndPoint> _reported = [];
    private Task _retries = Task.CompletedTask;

    /// <summary>Endpoints being served now (UDP and TCP both bound).</summary>
    public IReadOnlyCollection<IPEndPoint> Listening => [.. _servers.Keys];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoints = DnsListenEndpoints.Parse(_options.Listen);
        var unbound = endpoints.Where(e => !TryListen(e)).ToList();
        if (unbound.Count > 0)
        {
            _retries = RetryAsync(unbound, _stopping.Token);
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _retries;
        foreach (var endpoint in _servers.Keys)
        {
            if (_servers.TryRemove(endpoint, out var server)) server.Stop();
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        foreach (var server in _servers.Values) server.Stop();
        _servers.Clear();
        _stopping.Dispose();
    }

    private bool TryListen(IPEndPoint endpoint)
    {
        var timeoutMs = (int)_options.QueryTimeout.TotalMilliseconds;
        var tcp = new TcpServerTransport(endpoint, timeoutMs, (int)_options.TcpIdleTimeout.TotalMilliseconds);
        var server = new DnsServer(
            new UdpServerTransport(endpoint, timeoutMs),
            new GuardedTcpServerTransport(tcp, _options.MaxTcpConnections, _options.QueryTimeout));
        // The endpoint's address is the one queries came in on: ns.internal answers with it.
        server.QueryReceived += (sender, e) => OnQueryReceived(e, endpoint.Address);
        server.ExceptionThrown += OnExceptionThrown;
        try
        {
            // Binds UDP, then TCP; either may fail (address not up, port taken).
            server.Start();
        }
        catch (SocketException e)
        {
            // Stop closes whichever transport did bind.
            server.Stop();
            if (_reported.Add(endpoint))
            {
                metrics.Error(ErrorReasons.Bind);
                LogBindFailed(endpoint.ToString(), e.SocketErrorCode.ToString());
            }
            return false;
        }
        _reported.Remove(endpoint);
        _servers[endpoint] = server;
        LogListening(endpoint.ToString());
        return true;
    }

    private async Task RetryAsync(List<IPEndPoint> unbound, CancellationToken token)
    {
        using var timer = new PeriodicTimer(_options.BindRetryInterval, time);
        try
        {
            while (unbound.Count > 0 && await timer.WaitForNextTickAsync(token))
            {
                unbound.RemoveAll(TryListen);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// RTTs for "nearest": this gateway's own measurements from its region, the distance estimate
    /// between any other two.
    /// </summary>
    private static Func<string, string, double> RttFrom(GatewayState state, string region) => (from, to) =>
        string.Equals(from, region, StringComparison.OrdinalIgnoreCase) && state.RttTo(to) is var ms && ms < double.MaxValue
            ? ms
            : InternalDnsResolver.EstimatedRtt(from, to);

    private Task OnQueryReceived(QueryReceivedEventArgs e, IPAddress listening)
    {
        // A table swap between queries is fine: each query reads one table, whole.
        var response = _responder.Respond(e.Query, e.RemoteEndpoint.Address, state.Table.Source, _region, listening);
        e.Response = response;
        metrics.DnsAnswered(DnsRcodeLabel.Of(response.ReturnCode));
        return Task.CompletedTask;
    }

    private Task OnExceptionThrown(object sender, ExceptionEventArgs e)
    {
        // Mostly unparsable datagrams: ARSoft drops them without a response, as it should.
        metrics.DnsAnswered(DnsRcodeLabel.Unanswered);
        LogQueryFailed(e.Exception.Message);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DNS listening on {Endpoint}")]
    private partial void LogListening(string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DNS cannot listen on {Endpoint}: {Error}; retrying")]
    private partial void LogBindFailed(string endpoint, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "DNS query dropped: {Reason}")]
    private partial void LogQueryFailed(string reason);
}
