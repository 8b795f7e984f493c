using System.Text;
using Mesh.Domain.Certificates;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Routing;
using Mesh.Interfaces.Model;
using Mesh.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;

namespace Mesh.Tests.GatewayUnit;

/// <summary>The gateway's table on disk: sealed, owner-only, and the same table when read back.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LastGoodTableStoreTests
{
    private static Serializer NewSerializer() => new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(RouteSnapshot).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private static RouteSnapshot Table(string keyPem) => new(
        (9L << 32) + 3,
        [new AppRoute("web", "acme", [], [new IpAssignment("127.1.2.3", IpKind.V4, "global", DateTimeOffset.UnixEpoch)],
            [new CertificateRoute("web.example.test", "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----", keyPem)])],
        [new InstanceRoute("i1", "web", "ams", "127.0.0.1:8080", InstanceState.Started, InstanceHealth.Passing, "fdaa::2")]);

    [Fact]
    public void A_saved_table_reads_back_equal_and_holds_no_key_in_clear()
    {
        using var dir = new TempDir();
        var directory = Path.Combine(dir.Path, "gateway", "ams");
        var (_, keyPem) = CertificateFactory.CreateSelfSigned("web.example.test", DateTimeOffset.UtcNow);
        var table = Table(keyPem);
        new LastGoodTableStore(directory, NewSerializer(), NullLogger<LastGoodTableStore>.Instance).Save(table);

        var loaded = new LastGoodTableStore(directory, NewSerializer(), NullLogger<LastGoodTableStore>.Instance).TryLoad();
        Assert.NotNull(loaded);
        Assert.Equal(table.Version, loaded.Version);
        Assert.Equal(table.Instances.ToArray(), loaded.Instances.ToArray());
        Assert.Equal(keyPem, loaded.Apps.Single().Certificates.Single().KeyPem);

        var bytes = File.ReadAllBytes(Path.Combine(directory, LastGoodTableStore.TableFile));
        var text = Encoding.Latin1.GetString(bytes);
        Assert.DoesNotContain("PRIVATE KEY", text);
        Assert.DoesNotContain(keyPem.Split('\n')[1], text);
        Assert.DoesNotContain("web.example.test", text);
        foreach (var file in new[] { LastGoodTableStore.TableFile, LastGoodTableStore.KeyFile })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, file)));
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
    }

    [Fact]
    public void An_altered_or_foreign_table_is_not_loaded()
    {
        using var dir = new TempDir();
        var store = new LastGoodTableStore(dir.Path, NewSerializer(), NullLogger<LastGoodTableStore>.Instance);
        store.Save(Table("k"));
        var path = Path.Combine(dir.Path, LastGoodTableStore.TableFile);
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.Null(new LastGoodTableStore(dir.Path, NewSerializer(), NullLogger<LastGoodTableStore>.Instance).TryLoad());

        store.Save(Table("k"));
        File.WriteAllBytes(Path.Combine(dir.Path, LastGoodTableStore.KeyFile), new byte[TableSeal.KeySize]);
        Assert.Null(new LastGoodTableStore(dir.Path, NewSerializer(), NullLogger<LastGoodTableStore>.Instance).TryLoad());
    }

    [Fact]
    public void Cluster_mode_keeps_no_table_unless_a_directory_is_named()
    {
        var cluster = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Mesh:Cluster:Redis"] = "127.0.0.1:6379" }).Build();
        Assert.Null(LastGoodTableStore.DirectoryFor(cluster, new GatewayOptions()));
        Assert.Equal("/var/lib/gw", LastGoodTableStore.DirectoryFor(cluster, new GatewayOptions { StateDirectory = "/var/lib/gw" }));
        var embedded = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Mesh:Cluster:DataDirectory"] = "/d" }).Build();
        Assert.Equal("/d/gateway/sin", LastGoodTableStore.DirectoryFor(embedded, new GatewayOptions { Region = "sin" }));
    }
}
