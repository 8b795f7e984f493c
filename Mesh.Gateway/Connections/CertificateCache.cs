using System.Collections.Concurrent;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using Mesh.Domain.Certificates;
using Mesh.Gateway.Acme;
using Mesh.Gateway.Routing;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Logging;

namespace Mesh.Gateway.Connections;

/// <summary>
/// TLS server contexts built once per certificate (by the hash of its PEM) and reused for every
/// handshake; the chain's intermediates are sent too (a leaf alone fails verification, notes G2).
/// </summary>
/// <remarks>
/// <see cref="Prepare"/> runs when a table is built, before it is published: it builds the
/// contexts of the table's new certificates offline (no network: a table build never waits on a
/// CA's servers) and queues each that names an OCSP responder for an "online" rebuild in the
/// background, one at a time (without a responder there is nothing to staple). An
/// online context makes .NET fetch the OCSP response of a certificate naming a responder (AIA)
/// and staple it, refreshing it before it expires (.NET's SslStreamCertificateContext: a download
/// starts when the context is made; later handshakes start a refresh after min(24 h, nextUpdate −
/// 5 min) and never wait for one). It replaces the offline context once built, so stapling starts
/// moments after a certificate first appears. .NET staples only when the chain reaches a root it
/// knows: the system's trust store, or a root included in the PEM. Contexts of certificates no
/// longer in the table are dropped (a renewing cluster does not grow forever); connections already
/// open keep the context they were handshaken with, so a renewal changes only new handshakes. A
/// handshake that races a table (its certificate not prepared yet) gets an offline context, never
/// a network wait. Each context keeps its own TLS session cache and ticket keys (.NET caches the
/// OpenSSL context per certificate context), so resumption works as long as a certificate's context
/// is the same object: one per certificate, replaced only by its online upgrade or a renewal.
/// Self-signed fallbacks are generated once per hostname, up to a bound (any SNI can ask for one).
/// </remarks>
public sealed partial class CertificateCache(TimeProvider time, ILogger<CertificateCache> logger)
{
    private const int MaxSelfSigned = 1024;

    private readonly ConcurrentDictionary<string, Prepared> _contexts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SslStreamCertificateContext> _selfSigned = new(StringComparer.OrdinalIgnoreCase);
    // A route table's certificates are the same objects from table to table until they change:
    // their keys are hashed once, not on every handshake or table.
    private readonly ConditionalWeakTable<object, string> _keys = [];
    private readonly Lock _prepare = new();
    private readonly ConcurrentDictionary<string, bool> _upgrading = new(StringComparer.Ordinal);
    private readonly Channel<(string Key, CertificateRoute Certificate)> _upgrades = Channel.CreateUnbounded<(string, CertificateRoute)>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _upgrader;

    /// <summary>How many certificate contexts are held (table certificates and challenge certificates).</summary>
    public int Count => _contexts.Count;

    public SslStreamCertificateContext For(CertificateRoute certificate) =>
        _contexts.GetOrAdd(Key(certificate), static (_, c) => new Prepared(Build(c.CertificatePem, c.KeyPem, offline: true), Online: false), certificate).Context;

    /// <summary>The certificate a TLS-ALPN-01 validation of the challenge's hostname is served.</summary>
    public SslStreamCertificateContext ForChallenge(AcmeChallengeRoute challenge) =>
        _contexts.GetOrAdd(Key(challenge), static (_, a) =>
        {
            var (cert, key) = AcmeChallengeCertificate.For(a.Challenge, a.Time.GetUtcNow());
            return new Prepared(Build(cert, key, offline: true), Online: true);
        }, (Challenge: challenge, Time: time)).Context;

    public SslStreamCertificateContext SelfSigned(string hostname)
    {
        if (_selfSigned.TryGetValue(hostname, out var existing)) return existing;
        // Random names against a default_self_signed port must not fill memory: start over at the bound.
        if (_selfSigned.Count >= MaxSelfSigned) _selfSigned.Clear();
        return _selfSigned.GetOrAdd(hostname, h =>
        {
            var (cert, key) = CertificateFactory.CreateSelfSigned(h, time.GetUtcNow());
            return Build(cert, key, offline: true);
        });
    }

    /// <summary>
    /// Builds (offline) the contexts of every certificate and tls-alpn-01 challenge in the table
    /// that has none yet, queues the certificates' online upgrades, and drops the contexts of
    /// certificates the table no longer has.
    /// </summary>
    public void Prepare(GatewayTable table)
    {
        lock (_prepare)
        {
            var wanted = new HashSet<string>(StringComparer.Ordinal);
            foreach (var certificate in table.Source.Apps.Values.SelectMany(a => a.Certificates))
            {
                var key = Key(certificate);
                if (!wanted.Add(key)) continue;
                if (_contexts.TryGetValue(key, out var held))
                {
                    if (!held.Online && NamesOcspResponder(held.Context.TargetCertificate)) QueueUpgrade(key, certificate);
                    continue;
                }
                try
                {
                    var context = Build(certificate.CertificatePem, certificate.KeyPem, offline: true);
                    // Without an OCSP responder there is nothing to staple: the offline context is final.
                    var staples = NamesOcspResponder(context.TargetCertificate);
                    _contexts[key] = new Prepared(context, Online: !staples);
                    if (staples) QueueUpgrade(key, certificate);
                }
                catch (Exception e) when (e is CryptographicException or ArgumentException or NotSupportedException)
                {
                    LogUnusable(certificate.Hostname, e.Message);
                }
            }
            foreach (var challenge in table.Challenges.TlsAlpn)
            {
                wanted.Add(Key(challenge));
                try
                {
                    ForChallenge(challenge);
                }
                catch (Exception e) when (e is CryptographicException or ArgumentException or NotSupportedException)
                {
                    LogUnusable(challenge.Hostname, e.Message);
                }
            }
            foreach (var key in _contexts.Keys)
            {
                if (!wanted.Contains(key)) _contexts.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Queues a certificate's online rebuild once; one worker builds them in turn, so many new certificates never tie up many threads on the network.</summary>
    private void QueueUpgrade(string key, CertificateRoute certificate)
    {
        if (!_upgrading.TryAdd(key, true)) return;
        _upgrades.Writer.TryWrite((key, certificate));
        _upgrader ??= Task.Run(UpgradeLoopAsync);
    }

    private async Task UpgradeLoopAsync()
    {
        await foreach (var (key, certificate) in _upgrades.Reader.ReadAllAsync())
        {
            try
            {
                // Still wanted and still offline: a removal or renewal meanwhile makes this moot.
                if (_contexts.TryGetValue(key, out var held) && !held.Online)
                {
                    var online = new Prepared(Build(certificate.CertificatePem, certificate.KeyPem, offline: false), Online: true);
                    _contexts.TryUpdate(key, online, held);
                }
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException or NotSupportedException)
            {
                LogUnusable(certificate.Hostname, e.Message);
            }
            finally
            {
                _upgrading.TryRemove(key, out _);
            }
        }
    }

    internal static bool NamesOcspResponder(X509Certificate2 leaf)
    {
        foreach (var extension in leaf.Extensions)
        {
            if (extension is X509AuthorityInformationAccessExtension access && access.EnumerateOcspUris().Any()) return true;
        }
        return false;
    }

    private static SslStreamCertificateContext Build(string certificatePem, string keyPem, bool offline)
    {
        using var ephemeral = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        // SslStream on Linux wants a key it can use across handshakes: round-trip through PKCS#12.
        var leaf = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(certificatePem);
        var intermediates = new X509Certificate2Collection();
        foreach (var c in chain)
        {
            if (c.Thumbprint != leaf.Thumbprint) intermediates.Add(c);
        }
        return SslStreamCertificateContext.Create(leaf, intermediates, offline);
    }

    private string Key(CertificateRoute c) => _keys.GetValue(c, static o =>
    {
        var r = (CertificateRoute)o;
        return Hash(r.CertificatePem + "\n" + r.KeyPem);
    });

    private string Key(AcmeChallengeRoute c) => _keys.GetValue(c, static o =>
    {
        var r = (AcmeChallengeRoute)o;
        return "acme:" + Hash(r.Hostname + "\n" + r.KeyAuthorization + "\n" + r.CertificatePem + "\n" + r.KeyPem);
    });

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private readonly record struct Prepared(SslStreamCertificateContext Context, bool Online);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The certificate for {Hostname} cannot be used: {Error}")]
    private partial void LogUnusable(string hostname, string error);
}
