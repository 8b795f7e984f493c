using System.Net;
using Mesh.Cli.Api;

namespace Mesh.Tests.Cli;

/// <summary>What the CLI prints for an API error answer: the problem's one-line detail, or one line naming the status.</summary>
public sealed class ProblemReaderTests
{
    private const string Url = "http://127.0.0.1:4280";

    [Fact]
    public void A_problem_becomes_its_code_and_detail()
    {
        var e = ProblemReader.ToException(HttpStatusCode.NotFound,
            """{"type": "https://mesh.dev/problems/app_not_found", "title": "app 'x' not found", "status": 404, "code": "app_not_found", "detail": "app 'x' not found"}""", Url);
        Assert.Equal("app_not_found", e.Code);
        Assert.Equal("app 'x' not found", e.Message);
    }

    [Fact]
    public void Code_falls_back_to_the_type_and_detail_to_the_title()
    {
        var e = ProblemReader.ToException(HttpStatusCode.Conflict, """{"type": "https://mesh.dev/problems/ip_conflict", "title": "has a dedicated IPv4 address"}""", Url);
        Assert.Equal("ip_conflict", e.Code);
        Assert.Equal("has a dedicated IPv4 address", e.Message);
    }

    [Fact]
    public void A_multi_line_detail_is_printed_on_one_line()
    {
        var e = ProblemReader.ToException(HttpStatusCode.BadRequest, """{"code": "config_invalid", "detail": "fly.toml line 2:\n  expected ]"}""", Url);
        Assert.Equal("fly.toml line 2: expected ]", e.Message);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "", "the mesh API at http://127.0.0.1:4280 refused the token (401)")]
    [InlineData(HttpStatusCode.BadGateway, "<html><body>Bad gateway</body></html>", "the mesh API at http://127.0.0.1:4280 answered 502 Bad Gateway")]
    [InlineData(HttpStatusCode.InternalServerError, "[1, 2]", "the mesh API at http://127.0.0.1:4280 answered 500 Internal Server Error")]
    public void Anything_else_is_one_line_with_the_status(HttpStatusCode status, string body, string message)
    {
        var e = ProblemReader.ToException(status, body, Url);
        Assert.Equal($"http_{(int)status}", e.Code);
        Assert.Equal(message, e.Message);
    }
}
