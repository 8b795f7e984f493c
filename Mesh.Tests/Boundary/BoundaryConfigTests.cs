using Mesh.Domain.Instances;
using Mesh.Domain.Quotas;
using Mesh.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mesh.Tests.Boundary;

/// <summary>The operator's keys, as the environment spells them, reach the options the grains read.</summary>
public sealed class BoundaryConfigTests
{
    private static ServiceProvider Services(Dictionary<string, string?> keys)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(keys).Build();
        return new ServiceCollection().AddMeshGrainServices(configuration).BuildServiceProvider();
    }

    [Fact]
    public void Quota_defaults_and_org_overrides_bind_from_config()
    {
        using var services = Services(new()
        {
            ["Mesh:Quotas:Default:Apps"] = "7",
            ["Mesh:Quotas:Orgs:tiny:DedicatedV4"] = "2",
        });
        var quotas = services.GetRequiredService<IOptions<QuotaOptions>>().Value;
        Assert.Equal(7, QuotaCheck.LimitOf(quotas, "anyone", QuotaKind.Apps));
        Assert.Equal(10, QuotaCheck.LimitOf(quotas, "anyone", QuotaKind.DedicatedV4));
        Assert.Equal(2, QuotaCheck.LimitOf(quotas, "tiny", QuotaKind.DedicatedV4));
        Assert.Equal(7, QuotaCheck.LimitOf(quotas, "tiny", QuotaKind.Apps));
    }

    [Fact]
    public void Allowed_networks_for_one_org_and_for_every_org_bind_from_config()
    {
        using var services = Services(new()
        {
            ["Mesh:Instances:AllowedNetworks:*"] = "127.0.0.0/8",
            ["Mesh:Instances:AllowedNetworks:lan"] = "10.20.0.0/16",
        });
        var policy = InstanceAddressPolicy.From(services.GetRequiredService<IOptions<InstanceAddressOptions>>().Value, [], []);
        Assert.Null(policy.Refusal("anyone", "127.0.0.1:8080"));
        Assert.Null(policy.Refusal("lan", "10.20.0.1:8080"));
        Assert.NotNull(policy.Refusal("anyone", "10.20.0.1:8080"));
    }
}
