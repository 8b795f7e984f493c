using Mesh.Domain.Ips;
using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;

namespace Mesh.Tests.Domain;

public sealed class IpRulesTests
{
    private static AppConfig With(params (int Port, string[] Handlers)[] ports) => new(null, null,
    [
        new ServiceConfig("tcp", 8080, [], [.. ports.Select(p => new PortConfig(p.Port, null, null, [.. p.Handlers], false, null, null, null))],
            ConcurrencyConfig.Default, [], [], false),
    ]);

    [Fact]
    public void Http_on_80_or_tls_http_on_443_earns_the_shared_v4()
    {
        Assert.Equal([IpKind.V6, IpKind.SharedV4], IpRules.FirstDeploy(With((80, ["http"]))));
        Assert.Equal([IpKind.V6, IpKind.SharedV4], IpRules.FirstDeploy(With((443, ["tls", "http"]))));
        Assert.Equal([IpKind.V6, IpKind.SharedV4], IpRules.FirstDeploy(With((443, ["http", "tls"]))));
    }

    [Fact]
    public void Other_ports_or_handlers_earn_only_the_v6()
    {
        Assert.Equal([IpKind.V6], IpRules.FirstDeploy(With((443, ["tls"]))));
        Assert.Equal([IpKind.V6], IpRules.FirstDeploy(With((80, []))));
        Assert.Equal([IpKind.V6], IpRules.FirstDeploy(With((8080, ["http"]))));
        Assert.Equal([IpKind.V6], IpRules.FirstDeploy(With((5432, ["pg_tls"]))));
    }

    [Fact]
    public void No_ports_no_ips()
    {
        Assert.Empty(IpRules.FirstDeploy(With()));
        Assert.Empty(IpRules.FirstDeploy(AppConfig.Empty));
    }
}
