namespace Mesh.Gateway.Hosting;

/// <summary>How a gateway runs (config section <c>Mesh:Gateway</c>, or <c>--region</c>, <c>--bind-mode</c> … flags).</summary>
public sealed class GatewayOptions
{
    public const string Section = "Mesh:Gateway";

    /// <summary>The region this gateway serves; instances here are preferred.</summary>
    public string Region { get; set; } = "ams";

    /// <summary>A name for this node in logs and metrics (default: host name).</summary>
    public string NodeId { get; set; } = Environment.MachineName;

    /// <summary>
    /// <c>PerAddress</c> binds every allocated address and port (tests, the quick start: pools in
    /// 127/8). <c>Wildcard</c> binds each port once on the any-address and routes by the address
    /// the client dialled, as an anycast edge with AnyIP routes does.
    /// </summary>
    public BindMode BindMode { get; set; } = BindMode.PerAddress;

    /// <summary>Loopback port of the admin endpoint: /healthz, /status, /metrics (0 = any free port).</summary>
    public int AdminPort { get; set; } = 9091;

    /// <summary>Where the admin endpoint (/healthz, /status, /metrics) listens: loopback, or an operators' network.</summary>
    public string AdminAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// When set, <c>/status</c> requires <c>Authorization: Bearer &lt;token&gt;</c> (<c>/metrics</c>
    /// and <c>/healthz</c> stay open where the admin endpoint is bound).
    /// </summary>
    public string? AdminToken { get; set; }

    /// <summary>
    /// Where the gateway keeps its last good route table, sealed, to serve it when started while
    /// the cluster is unreachable. Default: <c>DATA/gateway/&lt;region&gt;</c> in embedded mode;
    /// in cluster mode the feature is off unless this is set.
    /// </summary>
    public string? StateDirectory { get; set; }

    /// <summary>Timeout for connecting to an instance before trying the next one.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Timeout for handshakes: TLS, the Postgres SSLRequest, a PROXY header.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A proxied TCP connection with no bytes either way for this long is closed (0 = never). Ten
    /// minutes, as balancers' client timeouts often are: idle connections must not hold an app's
    /// connection cap for ever. A port's <c>http_options.idle_timeout</c> overrides it.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Connections one app may hold open on this gateway (the mirrored platform uses 2048).</summary>
    public int MaxConnectionsPerApp { get; set; } = 2048;

    /// <summary>
    /// Client connections this gateway holds at once; more are closed at accept and counted
    /// (<c>max_connections</c>). Default: 80% of the process's open-file soft limit, so descriptors
    /// remain for upstream sockets and files instead of the accept loop running out of them.
    /// </summary>
    public int MaxConnections { get; set; } = Mesh.Gateway.Listeners.DescriptorLimit.DefaultMaxConnections();

    /// <summary>Connections one client address may hold open to one app on this gateway (raw TCP and TLS ports).</summary>
    public int MaxConnectionsPerClient { get; set; } = 256;

    /// <summary>How long an instance that refused or timed out a connect is skipped (passive health).</summary>
    public TimeSpan EjectionTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a connection may wait when every candidate is at its hard limit.</summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many connections may wait at once per app when every candidate is at its hard limit.</summary>
    public int QueueLimit { get; set; } = 256;

    /// <summary>
    /// Every connection starts with a PROXY protocol header from a load balancer in front of the
    /// gateway; its source is taken as the client address.
    /// </summary>
    public bool AcceptProxyProtocol { get; set; }

    /// <summary>
    /// Raw TCP ports (no handlers, or only <c>proxy_proto</c>) copy socket to socket, without a
    /// Kestrel pipe on the client side, unless <see cref="AcceptProxyProtocol"/> puts a stage before
    /// the copy. Off: every TCP connection goes through Kestrel's transport like the other kinds.
    /// </summary>
    public bool DirectTcp { get; set; } = true;

    /// <summary>
    /// <c>tls</c>+<c>http</c> ports run TLS on the accepted socket (<see cref="Connections.DirectTlsStage"/>)
    /// instead of through Kestrel's transport pipe and TLS stage, unless a stage must read the bytes
    /// first: <see cref="AcceptProxyProtocol"/>, or an open TLS-ALPN-01 challenge (its ClientHello is
    /// peeked on the pipe). Off: every TLS connection goes through Kestrel's TLS stage.
    /// </summary>
    public bool DirectTls { get; set; } = true;

    /// <summary>
    /// With <see cref="DirectTls"/>, the TLS record layer is OpenSSL's own on the socket
    /// (<see cref="Tls.NativeTlsConnection"/>: OpenSSL reads the descriptor, no SslStream above it),
    /// for every certificate it can serve; certificates to staple (their leaf names an OCSP responder)
    /// stay on SslStream, which fetches the staple. Off: SslStream on the socket for all.
    /// </summary>
    public bool NativeTls { get; set; } = true;

    /// <summary>
    /// Socket completions and the connections' pipe callbacks run on the socket engine's thread
    /// instead of being dispatched to the thread pool: one dispatch less per read and per write of
    /// every proxied request. Safe because nothing on the data path blocks a thread. Read once at
    /// start (the runtime's switch, DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS, is process-wide).
    /// </summary>
    public bool InlineCompletions { get; set; } = true;

    /// <summary>
    /// On Linux, connections with pipes (HTTP, and TCP ports with a stage) and the HTTP fast path's
    /// connections to apps run on the gateway's own edge-triggered epoll loop instead of .NET's
    /// socket engine, which makes a receive that fails with EAGAIN before every wait (two per
    /// proxied request). Read once at start.
    /// </summary>
    public bool EpollSockets { get; set; } = true;

    /// <summary>On Linux, the socket-to-socket copy moves bytes with splice(2) through a kernel pipe (no copy into the process); off: through a buffer.</summary>
    public bool TcpSplice { get; set; } = true;

    /// <summary>
    /// With <see cref="AcceptProxyProtocol"/>: the balancers' networks (comma-separated CIDRs or
    /// addresses). A connection from anywhere else is closed and counted, since its PROXY header
    /// could claim any client address. Empty: every source is trusted (said once at start).
    /// </summary>
    public string? TrustedProxies { get; set; }

    /// <summary>How long an HTTP request may wait on the app with no activity before it gets 504.</summary>
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the gateway renews its route-table subscription (observers are not durable).</summary>
    public TimeSpan ResubscribeInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Run the apps' <c>tcp_checks</c> and <c>http_checks</c> against the instances in this region
    /// and report their health to the control plane (<c>Mesh:Gateway:HealthChecks=false</c> turns it off).
    /// </summary>
    public bool HealthChecks { get; set; } = true;

    /// <summary>How often RTTs to the other regions are measured and published (0 turns it off).</summary>
    public TimeSpan RttProbeInterval { get; set; } = TimeSpan.FromSeconds(10);
}
