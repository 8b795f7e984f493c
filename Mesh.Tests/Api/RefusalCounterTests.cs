using Mesh.Silo.Api;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Tests.Api;

/// <summary>Every refusal is counted; a token's refusals are logged once a minute at most, by id.</summary>
public sealed class RefusalCounterTests
{
    [Fact]
    public void Counts_every_refusal_and_logs_a_token_once_a_minute()
    {
        var time = new FakeTimeProvider();
        var logs = new CapturedLogs();
        using var factory = logs.Factory();
        var counter = new RefusalCounter(time, factory);
        var refusal = ApiRefusal.InvalidToken("0123456789abcdef");

        counter.Record(refusal, "GET", "/v1/apps");
        counter.Record(refusal, "GET", "/v1/apps");
        counter.Record(ApiRefusal.MissingToken(), "GET", "/v1/apps");
        time.Advance(TimeSpan.FromSeconds(61));
        counter.Record(refusal, "GET", "/v1/status");

        Assert.Equal(4, counter.Count);
        var lines = logs.Lines.ToList();
        Assert.Equal(2, lines.Count(l => l.Contains("token=0123456789abcdef")));
        Assert.Single(lines, l => l.Contains("token=none"));
        Assert.All(lines, l => Assert.StartsWith("Mesh.Api: refused", l));
    }
}
