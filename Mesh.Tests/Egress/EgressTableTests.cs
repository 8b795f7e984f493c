using System.Net;
using Mesh.Domain;
using Mesh.Domain.Egress;
using Mesh.Hosting;
using Mesh.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Tests.Egress;

/// <summary>The operator's per-region egress addresses: how they are read, and what is refused.</summary>
public sealed class EgressTableTests
{
    private static EgressTable From(params (string Region, string? V6, string? V4)[] regions)
    {
        var options = new RegionEgressOptions();
        foreach (var (region, v6, v4) in regions) options.Regions[region] = new RegionEgressSettings { EgressV6 = v6, EgressV4 = v4 };
        return EgressTable.From(options);
    }

    [Fact]
    public void A_configured_region_has_its_addresses_and_any_other_region_has_none()
    {
        var table = From(("ams", "2001:db8:ee::11", "198.51.100.11"), ("iad", "2001:db8:ee::12", null));

        Assert.Equal(new EgressAddresses(IPAddress.Parse("2001:db8:ee::11"), IPAddress.Parse("198.51.100.11")), table.Of("ams"));
        Assert.Equal(new EgressAddresses(IPAddress.Parse("2001:db8:ee::12"), null), table.Of("IAD"));
        Assert.Same(EgressAddresses.None, table.Of("sin"));
    }

    [Theory]
    [InlineData("ams", "198.51.100.11", null, "Mesh:Regions:ams:EgressV6: '198.51.100.11' is not an IPv6 address")]
    [InlineData("ams", null, "2001:db8:ee::11", "Mesh:Regions:ams:EgressV4: '2001:db8:ee::11' is not an IPv4 address")]
    [InlineData("ams", "egress.example", null, "Mesh:Regions:ams:EgressV6: 'egress.example' is not an IPv6 address")]
    [InlineData("xyz", "2001:db8:ee::11", null, "Mesh:Regions:xyz: unknown region 'xyz'")]
    public void A_wrong_address_or_region_is_a_config_error_naming_the_key(string region, string? v6, string? v4, string message)
    {
        var error = Assert.Throws<MeshException>(() => From((region, v6, v4)));

        Assert.Equal("config_invalid", error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void The_keys_as_the_environment_spells_them_reach_the_silo_services()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mesh:Regions:ams:EgressV6"] = "2001:db8:ee::11",
            ["Mesh:Regions:AMS:EgressV4"] = "198.51.100.11",
        }).Build();
        using var services = new ServiceCollection().AddMeshGrainServices(configuration).BuildServiceProvider();

        var ams = services.GetRequiredService<EgressTable>().Of("ams");

        Assert.Equal("2001:db8:ee::11", ams.V6?.ToString());
        Assert.Equal("198.51.100.11", ams.V4?.ToString());
    }

    [Fact]
    public async Task A_silo_with_a_wrong_egress_address_does_not_start_and_says_which_key()
    {
        using var dir = new TempDir();

        var silo = await Tool.RunAsync("dotnet", [Repo.SiloDll, "--data-dir", dir.Path, "--Mesh:Regions:ams:EgressV6=198.51.100.11"]);

        Assert.Equal(1, silo.ExitCode);
        Assert.Equal("mesh-silo: Mesh:Regions:ams:EgressV6: '198.51.100.11' is not an IPv6 address", (silo.Stderr + silo.Stdout).Trim());
    }
}
