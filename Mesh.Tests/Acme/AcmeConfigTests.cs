using Mesh.Acme;
using Mesh.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Tests.Acme;

/// <summary>Mesh:Acme as an operator meets it: a silo refuses a bad value in one line; no directory means no ACME.</summary>
public class AcmeConfigTests
{
    [Fact]
    public async Task A_silo_given_a_directory_that_is_not_https_refuses_to_start_naming_the_key()
    {
        using var data = new TempDir();
        await using var silo = RunningProcess.Start("dotnet",
        [
            Repo.SiloDll, "--data-dir", data.Path, "--silo-port", FreePort.Next().ToString(), "--gateway-port", FreePort.Next().ToString(),
            "--api-port", "0", "--Mesh:Acme:Directory=http://ca.example.test/dir",
        ]);
        await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, silo.ExitCode);
        var line = Assert.Single(silo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("mesh-silo: Mesh:Acme:Directory: 'http://ca.example.test/dir' is not an https URL (RFC 8555 requires TLS)", line.Trim());
    }

    [Fact]
    public void Without_a_directory_the_silo_gets_a_disabled_issuer_that_orders_nothing()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddMeshAcme(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Mesh:Acme:Email"] = "ops@mesh.test" }).Build());
        using var provider = services.BuildServiceProvider();

        var issuer = provider.GetRequiredService<IAcmeIssuer>();
        Assert.False(issuer.Enabled);
        var e = Assert.Throws<AcmeException>(() => issuer.IssueAsync("a.test", [AcmeChallengeType.Http01], new TestChallengePublisher(), CancellationToken.None).GetAwaiter().GetResult());
        Assert.Equal("disabled", e.Type);
        Assert.Equal("ops@mesh.test", provider.GetRequiredService<AcmeOptions>().Email);
    }
}
