using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Egress;

/// <summary>mesh-whoami as a real process on loopback, asked by real curl and dig: each answer is the caller's own address.</summary>
public sealed class WhoamiProcessTests
{
    [Fact]
    public async Task Curl_and_dig_over_udp_and_tcp_get_their_own_source_address()
    {
        var (http, dns) = (FreePort.Next(), FreePort.Next());
        await using var whoami = RunningProcess.Start("dotnet", [Repo.WhoamiDll,
            "--http", $"127.0.0.1:{http},[::1]:{http}", "--dns", $"127.0.0.1:{dns},[::1]:{dns}", "--zone", "mesh-internet.test"]);
        await whoami.WaitForLineAsync("mesh-whoami ready", TimeSpan.FromSeconds(30));

        Assert.Equal("127.0.0.1\n", (await Tool.RunAsync("curl", ["-s", "--max-time", "10", $"http://127.0.0.1:{http}/"])).Stdout);
        Assert.Equal("::1\n", (await Tool.RunAsync("curl", ["-s", "--max-time", "10", $"http://[::1]:{http}/anything"])).Stdout);
        async Task<string> Dig(string server, params string[] flags) =>
            (await Tool.RunAsync("dig", ["+short", "+time=5", "+tries=1", .. flags, "-p", dns.ToString(), $"@{server}", "txt", "whoami.mesh-internet.test"])).Stdout.Trim();
        Assert.Equal("\"127.0.0.1\"", await Dig("127.0.0.1"));
        Assert.Equal("\"::1\"", await Dig("::1"));
        Assert.Equal("\"::1\"", await Dig("::1", "+tcp"));
        var other = await Tool.RunAsync("dig", ["+time=5", "+tries=1", "-p", dns.ToString(), "@127.0.0.1", "txt", "example.com"]);
        Assert.Contains("status: REFUSED", other.Stdout);
    }

    [Fact]
    public async Task A_bad_command_line_exits_with_one_line()
    {
        var result = await Tool.RunAsync("dotnet", [Repo.WhoamiDll, "--dns", "localhost:53"]);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("mesh-whoami: --dns: 'localhost:53' is not ADDRESS:PORT", (result.Stderr + result.Stdout).Trim());
    }
}
