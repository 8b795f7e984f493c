using Mesh.Gateway.Listeners;

namespace Mesh.Tests.GatewayUnit;

/// <summary>The open-file soft limit behind the default global connection cap.</summary>
public sealed class DescriptorLimitTests
{
    [Fact]
    public void Reads_the_soft_limit_and_treats_unlimited_as_unknown()
    {
        const string limits = "Limit                     Soft Limit           Hard Limit           Units     \n"
            + "Max processes             63432                63432                processes \n"
            + "Max open files            20000                1048576              files     \n";
        Assert.Equal(20000, DescriptorLimit.SoftLimitFrom(limits));
        Assert.Null(DescriptorLimit.SoftLimitFrom("Max open files            unlimited            unlimited            files\n"));
        Assert.Null(DescriptorLimit.SoftLimitFrom(""));
    }
}
