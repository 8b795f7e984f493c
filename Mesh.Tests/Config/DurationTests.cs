using Mesh.Domain;
using Mesh.Domain.Config;
using Mesh.Interfaces.Config;
using Xunit;

namespace Mesh.Tests.Config;

public sealed class DurationTests
{
    private static (TcpCheckConfig Check, IReadOnlyList<string> Warnings) TcpCheck(string keys)
    {
        var result = FlyToml.Load($"""
            [[services]]
              [[services.ports]]
                port = 80
              [[services.tcp_checks]]
                {keys}
            """);
        return (result.Config.Services[0].TcpChecks[0], result.Warnings);
    }

    [Fact]
    public void Defaults_are_15s_2s_1s()
    {
        var (check, warnings) = TcpCheck("");

        Assert.Equal(new TcpCheckConfig(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)), check);
        Assert.Empty(warnings);
    }

    [Fact]
    public void Integers_are_milliseconds_and_strings_are_go_durations()
    {
        var (check, warnings) = TcpCheck("interval = \"1m30s\" \n timeout = 2500 \n grace_period = \"1.5s\"");

        Assert.Equal(TimeSpan.FromMinutes(1), check.Interval); // 1m30s is clamped
        Assert.Equal(TimeSpan.FromMilliseconds(2500), check.Timeout);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), check.GracePeriod);
        Assert.Equal(["services[0].tcp_checks[0].interval: 1m30s is above the 1m maximum; lowered to 1m"], warnings);
    }

    [Fact]
    public void Interval_and_timeout_are_raised_to_one_second()
    {
        var (check, warnings) = TcpCheck("interval = \"500ms\" \n timeout = 100 \n grace_period = 0");

        Assert.Equal(new TcpCheckConfig(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.Zero), check);
        Assert.Equal(
            ["services[0].tcp_checks[0].interval: 500ms is below the 1s minimum; raised to 1s",
             "services[0].tcp_checks[0].timeout: 100ms is below the 1s minimum; raised to 1s"],
            warnings);
    }

    [Fact]
    public void Grace_period_is_lowered_to_one_minute()
    {
        var (check, warnings) = TcpCheck("grace_period = \"5m\"");

        Assert.Equal(TimeSpan.FromMinutes(1), check.GracePeriod);
        Assert.Single(warnings, w => w.StartsWith("services[0].tcp_checks[0].grace_period: 5m is above"));
    }

    [Theory]
    [InlineData("interval = \"banana\"", "services[0].tcp_checks[0].interval: \"banana\" is not a duration")]
    [InlineData("timeout = \"-1s\"", "services[0].tcp_checks[0].timeout: \"-1s\" must not be negative")]
    [InlineData("grace_period = -5", "services[0].tcp_checks[0].grace_period: -5 must not be negative")]
    [InlineData("interval = \"15\"", "services[0].tcp_checks[0].interval: \"15\" has no unit")]
    [InlineData("interval = \"1m30\"", "services[0].tcp_checks[0].interval: \"1m30\" is not a duration")]
    [InlineData("timeout = true", "services[0].tcp_checks[0].timeout: expected a duration")]
    public void Bad_durations_are_errors_naming_the_key(string keys, string message)
    {
        var ex = Assert.Throws<MeshException>(() => TcpCheck(keys));

        Assert.StartsWith(message, ex.Message);
    }

    [Fact]
    public void Http_check_durations_use_the_same_rules()
    {
        var ex = Assert.Throws<MeshException>(() => FlyToml.Load("""
            [http_service]
              [[http_service.checks]]
                timeout = "soon"
            """));

        Assert.StartsWith("http_service.checks[0].timeout: \"soon\" is not a duration", ex.Message);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("15s", 15_000)]
    [InlineData("1m0s", 60_000)]
    [InlineData("1h2m3.5s", 3_723_500)]
    [InlineData("250ms", 250)]
    [InlineData("1500us", 1.5)]
    [InlineData(".5s", 500)]
    public void Go_duration_syntax(string text, double milliseconds)
    {
        Assert.True(FlyDuration.TryParse(text, out var value, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData(500, "500ms")]
    [InlineData(15_000, "15s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(3_600_000, "1h")]
    public void Durations_are_formatted_as_written_in_fly_toml(int milliseconds, string text) =>
        Assert.Equal(text, FlyDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
