using System.Net;
using Mesh.Acme;
using Mesh.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Tests.Acme;

/// <summary>
/// The issuer against a real CA (Pebble validating for real, nonce rejection on): the test's
/// own HTTP and TLS servers answer the challenges on the ports Pebble dials, at the address its
/// DNS (challtestsrv) gives the hostname. The account lives in a real account grain.
/// </summary>
public class PebbleIssuanceTests(InProcessCluster cluster) : IClassFixture<InProcessCluster>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private static readonly string[] TlsAlpnThenHttp = [AcmeChallengeType.TlsAlpn01, AcmeChallengeType.Http01];

    [Fact]
    public async Task Http01_issuance_returns_a_chain_that_verifies_against_pebbles_root_for_the_host()
    {
        await using var ca = await CaAsync();
        var host = await ca.PointAsync("h01");
        await using var http = await Http01Responder.StartAsync(ca.Address, ca.Settings.HttpPort, ca.Challenges);

        var result = await ca.Issuer.IssueAsync(host, [AcmeChallengeType.Http01], ca.Challenges, CancellationToken.None).WaitAsync(Deadline);

        Assert.Null(ca.Pebble.ChainProblem(result.ChainPem, host));
        Assert.Equal(AcmeChallengeType.Http01, result.ChallengeType);
        AssertKeyMatchesLeaf(result);
        Assert.True(http.Answered > 0);
        var published = Assert.Single(ca.Challenges.Published);
        Assert.Equal(host, published.Hostname);
        Assert.Null(published.CertificatePem);
        Assert.Equal(host, Assert.Single(ca.Challenges.Withdrawn));
        Assert.Empty(ca.Challenges.Open);
    }

    [Fact]
    public async Task TlsAlpn01_issuance_returns_a_chain_that_verifies_against_pebbles_root_for_the_host()
    {
        await using var ca = await CaAsync();
        var host = await ca.PointAsync("alpn");
        await using var tls = TlsAlpn01Responder.Start(ca.Address, ca.Settings.TlsPort, ca.Challenges);

        var result = await ca.Issuer.IssueAsync(host, TlsAlpnThenHttp, ca.Challenges, CancellationToken.None).WaitAsync(Deadline);

        Assert.Null(ca.Pebble.ChainProblem(result.ChainPem, host));
        Assert.Equal(AcmeChallengeType.TlsAlpn01, result.ChallengeType);
        AssertKeyMatchesLeaf(result);
        Assert.True(tls.Answered > 0);
        Assert.NotNull(Assert.Single(ca.Challenges.Published).CertificatePem);
        Assert.Empty(ca.Challenges.Open);
    }

    [Fact]
    public async Task A_failed_tls_alpn_validation_falls_back_to_http01_on_a_new_order()
    {
        await using var ca = await CaAsync();
        var host = await ca.PointAsync("fallback");
        // Nothing listens on the TLS port: Pebble's tls-alpn-01 validation is refused.
        await using var http = await Http01Responder.StartAsync(ca.Address, ca.Settings.HttpPort, ca.Challenges);

        var result = await ca.Issuer.IssueAsync(host, TlsAlpnThenHttp, ca.Challenges, CancellationToken.None).WaitAsync(Deadline);

        Assert.Null(ca.Pebble.ChainProblem(result.ChainPem, host));
        Assert.Equal(AcmeChallengeType.Http01, result.ChallengeType);
        Assert.Equal([AcmeChallengeType.TlsAlpn01, AcmeChallengeType.Http01], ca.Challenges.Published.Select(c => c.Type));
        Assert.Equal(2, ca.Challenges.Withdrawn.Count);
    }

    [Fact]
    public async Task When_every_challenge_type_fails_the_error_is_the_cas_validation_error()
    {
        await using var ca = await CaAsync();
        var host = await ca.PointAsync("nobody");

        var e = await Assert.ThrowsAsync<AcmeException>(() => ca.Issuer.IssueAsync(host, [AcmeChallengeType.Http01], ca.Challenges, CancellationToken.None).WaitAsync(Deadline));

        Assert.Equal("urn:ietf:params:acme:error:connection", e.Type);
        Assert.StartsWith("http-01 validation failed: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(ca.Challenges.Open);
    }

    [Fact]
    public async Task Issuance_succeeds_while_pebble_rejects_a_third_of_good_nonces()
    {
        await using var ca = await CaAsync(nonceRejectPercent: 30);
        await using var http = await Http01Responder.StartAsync(ca.Address, ca.Settings.HttpPort, ca.Challenges);

        // Three issuances, about 24 signed requests: the odds that Pebble refuses none of them
        // (and the retry path goes untested) are 0.7^24, where one issuance left them at 6%.
        foreach (var name in new[] { "nonce-a", "nonce-b", "nonce-c" })
        {
            var host = await ca.PointAsync(name);
            var result = await ca.Issuer.IssueAsync(host, [AcmeChallengeType.Http01], ca.Challenges, CancellationToken.None).WaitAsync(Deadline);
            Assert.Null(ca.Pebble.ChainProblem(result.ChainPem, host));
        }
        Assert.True(ca.Issuer.BadNonceRetries > 0, "no badNonce was retried");
    }

    [Fact]
    public async Task An_unreachable_directory_is_a_connection_error_in_one_line()
    {
        var options = new AcmeOptions { Directory = $"https://127.0.0.1:{FreePort.Next()}/dir" };
        using var issuer = new AcmeIssuer(options, cluster.Client, TimeProvider.System, NullLogger<AcmeIssuer>.Instance);

        var e = await Assert.ThrowsAsync<AcmeException>(() => issuer.IssueAsync("down.acme.test", [AcmeChallengeType.Http01], new TestChallengePublisher(), CancellationToken.None).WaitAsync(Deadline));

        Assert.Equal("connection", e.Type);
        Assert.StartsWith($"cannot reach the ACME server at {new Uri(options.Directory).GetLeftPart(UriPartial.Authority)}: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task The_cluster_account_is_registered_once_and_reused_by_the_next_issuance()
    {
        // No refused nonces: a badNonce answer to the registration makes the client POST it again
        // (as it must), which would count as a second registration here.
        await using var ca = await CaAsync(nonceRejectPercent: 0);
        await using var http = await Http01Responder.StartAsync(ca.Address, ca.Settings.HttpPort, ca.Challenges);
        var account = cluster.Client.GetGrain<IAcmeAccountGrain>(IAcmeAccountGrain.Global);

        var first = await ca.PointAsync("first");
        await ca.Issuer.IssueAsync(first, [AcmeChallengeType.Http01], ca.Challenges, CancellationToken.None).WaitAsync(Deadline);
        var registered = await account.GetOrCreate();
        var second = await ca.PointAsync("second");
        var result = await ca.Issuer.IssueAsync(second, [AcmeChallengeType.Http01], ca.Challenges, CancellationToken.None).WaitAsync(Deadline);
        var after = await account.GetOrCreate();

        Assert.Null(ca.Pebble.ChainProblem(result.ChainPem, second));
        Assert.Equal(ca.Pebble.DirectoryUrl, registered.Directory);
        Assert.NotNull(registered.Url);
        Assert.Equal(registered, after);
        Assert.Equal(1, CountOccurrences(ca.Pebble.Output, "POST /sign-me-up"));
    }

    [Fact]
    public async Task The_issuer_a_silo_registers_for_a_configured_directory_issues()
    {
        await using var ca = await CaAsync();
        var host = await ca.PointAsync("di");
        await using var http = await Http01Responder.StartAsync(ca.Address, ca.Settings.HttpPort, ca.Challenges);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(ca.Pebble.SiloConfiguration().Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value)))
            .Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<IGrainFactory>(cluster.Client)
            .AddMeshAcme(configuration);
        await using var provider = services.BuildServiceProvider();

        var issuer = provider.GetRequiredService<IAcmeIssuer>();
        Assert.True(issuer.Enabled);
        var result = await issuer.IssueAsync(host, [AcmeChallengeType.Http01], ca.Challenges, CancellationToken.None).WaitAsync(Deadline);
        Assert.Null(ca.Pebble.ChainProblem(result.ChainPem, host));
    }

    private static int CountOccurrences(string text, string what) =>
        text.Split('\n').Count(line => line.Contains(what, StringComparison.Ordinal));

    private static void AssertKeyMatchesLeaf(AcmeIssueResult result)
    {
        using var leaf = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(result.ChainPem, result.KeyPem);
        Assert.True(leaf.HasPrivateKey);
    }

    private async Task<TestCa> CaAsync(int? nonceRejectPercent = null)
    {
        var settings = new PebbleSettings(FreePort.Next(), FreePort.Next()) { NonceRejectPercent = nonceRejectPercent };
        var pebble = await Pebble.StartAsync(settings);
        var issuer = new AcmeIssuer(pebble.AcmeOptions(), cluster.Client, TimeProvider.System, NullLogger<AcmeIssuer>.Instance);
        return new TestCa(pebble, issuer, settings, new TestChallengePublisher(), RandomLoopback());
    }

    /// <summary>A loopback address of its own per test, so its responders clash with nobody's.</summary>
    private static IPAddress RandomLoopback() => new([127, (byte)Random.Shared.Next(100, 200), (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255)]);

    private sealed record TestCa(Pebble Pebble, AcmeIssuer Issuer, PebbleSettings Settings, TestChallengePublisher Challenges, IPAddress Address) : IAsyncDisposable
    {
        /// <summary>A fresh hostname whose A record (in Pebble's DNS) is this test's address.</summary>
        public async Task<string> PointAsync(string label)
        {
            var host = $"{label}-{Guid.NewGuid().ToString("N")[..8]}.acme.test";
            await Pebble.Dns.AddAAsync(host, Address.ToString());
            return host;
        }

        public async ValueTask DisposeAsync()
        {
            Issuer.Dispose();
            await Pebble.DisposeAsync();
        }
    }
}
