using System.Collections.Immutable;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Mesh.Domain.Certificates;
using Mesh.Domain.Routing;
using Mesh.Gateway.Acme;
using Mesh.Gateway.Connections;
using Mesh.Gateway.Routing;
using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Tests.Acme;

/// <summary>The gateway's ACME lookups and certificate contexts as built with each table, without sockets.</summary>
public sealed class GatewayChallengeTableTests
{
    private static readonly ServiceConfig TlsOn7443 = new("tcp", 7443, [], [new PortConfig(7443, null, null, ["tls"], false, null, null, null)], ConcurrencyConfig.Default, [], [], false);

    private static GatewayTable Table(params AppRoute[] apps)
    {
        var state = new RouteTableState(0);
        foreach (var app in apps) state.UpsertApp(app);
        return GatewayTable.Build(RouteTableReplica.FromSnapshot(state.Snapshot()), wildcard: false);
    }

    private static AppRoute App(string name, string v4, ImmutableArray<CertificateRoute> certificates, params AcmeChallengeRoute[] challenges) =>
        new AppRoute(name, "personal", [TlsOn7443], [new IpAssignment(v4, IpKind.V4, "global", default)], certificates) { Challenges = [.. challenges] };

    [Fact]
    public void Challenges_are_looked_up_by_token_and_name_and_open_ports_80_and_443_only_where_needed()
    {
        var table = Table(App("a", "10.0.0.1", [],
            new AcmeChallengeRoute("www.a.test", "http-01", "tok-1", "tok-1.thumb", null, null),
            new AcmeChallengeRoute("WWW.A.TEST.", "tls-alpn-01", "tok-2", "tok-2.thumb", null, null)));

        Assert.Equal("tok-1.thumb", table.Challenges.KeyAuthorization("tok-1"));
        Assert.Null(table.Challenges.KeyAuthorization("tok-2"));
        Assert.Equal("tok-2", table.Challenges.TlsAlpnFor("www.a.test")!.Token);
        Assert.Null(table.Challenges.TlsAlpnFor("other.a.test"));
        var address = IPAddress.Parse("10.0.0.1");
        Assert.Equal(ListenerKind.Http, table.KindAt(address, 80));
        Assert.Equal(ListenerKind.Https, table.KindAt(address, 443));
        Assert.Equal(ListenerKind.Tls, table.KindAt(address, 7443));
        Assert.Equal(
            [new ListenerKey(address, 443), new ListenerKey(address, 7443), new ListenerKey(address, 80)],
            table.Listeners.OrderBy(l => l.ToString()));
        // The challenge port does not make the name routable.
        Assert.Null(table.Resolve(address, 443, "www.a.test", out _));
    }

    [Fact]
    public void The_generated_challenge_certificate_carries_the_critical_acme_identifier()
    {
        var (pem, _) = AcmeChallengeCertificate.For(new AcmeChallengeRoute("alpn.a.test", "tls-alpn-01", "t", "t.thumb", null, null), DateTimeOffset.UtcNow);
        using var cert = X509Certificate2.CreateFromPem(pem);
        var extension = cert.Extensions[AcmeChallengeCertificate.AcmeIdentifierOid]!;
        Assert.True(extension.Critical);
        byte[] expected = [0x04, 0x20, .. SHA256.HashData(Encoding.UTF8.GetBytes("t.thumb"))];
        Assert.Equal(expected, extension.RawData);
        Assert.Equal("alpn.a.test", cert.GetNameInfo(X509NameType.DnsName, false));
    }

    [Fact]
    public void Contexts_follow_the_table_a_renewal_replaces_the_old_one_and_removed_certificates_are_dropped()
    {
        var cache = new CertificateCache(TimeProvider.System, NullLogger<CertificateCache>.Instance);
        var (cert1, key1) = CertificateFactory.CreateSelfSigned("one.a.test", DateTimeOffset.UtcNow);
        var (cert2, key2) = CertificateFactory.CreateSelfSigned("one.a.test", DateTimeOffset.UtcNow);
        var first = new CertificateRoute("one.a.test", cert1, key1);
        var challenge = new AcmeChallengeRoute("two.a.test", "tls-alpn-01", "t", "t.thumb", null, null);

        var before = Table(App("a", "10.0.0.1", [first], challenge));
        cache.Prepare(before);
        Assert.Equal(2, cache.Count);
        var old = cache.For(first);
        Assert.Same(old, cache.For(first));

        var renewed = new CertificateRoute("one.a.test", cert2, key2);
        cache.Prepare(Table(App("a", "10.0.0.1", [renewed])));
        Assert.Equal(1, cache.Count);
        Assert.NotSame(old, cache.For(renewed));
        Assert.Equal(X509Certificate2.CreateFromPem(cert2).Thumbprint, cache.For(renewed).TargetCertificate.Thumbprint);

        cache.Prepare(Table(App("a", "10.0.0.1", [])));
        Assert.Equal(0, cache.Count);
    }
}
