using System.Net;
using System.Text.Json;
using Mesh.Cli.Api;
using Mesh.Cli.Commands;

namespace Mesh.Tests.Cli;

/// <summary>What the CLI prints for an API error answer: the problem's one-line detail, or one line naming the status.</summary>
public sealed class ApiProblemTests
{
    private const string Url = "http://127.0.0.1:4280";

    [Fact]
    public void A_problem_becomes_its_code_and_detail()
    {
        var e = ApiProblem.ToException(HttpStatusCode.NotFound,
            """{"type": "https://mesh.dev/problems/app_not_found", "title": "app 'x' not found", "status": 404, "code": "app_not_found", "detail": "app 'x' not found"}""", Url);
        Assert.Equal("app_not_found", e.Code);
        Assert.Equal("app 'x' not found", e.Message);
    }

    [Fact]
    public void Code_falls_back_to_the_type_and_detail_to_the_title()
    {
        var e = ApiProblem.ToException(HttpStatusCode.Conflict, """{"type": "https://mesh.dev/problems/ip_conflict", "title": "has a dedicated IPv4 address"}""", Url);
        Assert.Equal("ip_conflict", e.Code);
        Assert.Equal("has a dedicated IPv4 address", e.Message);
    }

    [Fact]
    public void A_multi_line_detail_is_printed_on_one_line()
    {
        var e = ApiProblem.ToException(HttpStatusCode.BadRequest, """{"code": "config_invalid", "detail": "fly.toml line 2:\n  expected ]"}""", Url);
        Assert.Equal("fly.toml line 2: expected ]", e.Message);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "", "the mesh API at http://127.0.0.1:4280 refused the token (401)")]
    [InlineData(HttpStatusCode.BadGateway, "<html><body>Bad gateway</body></html>", "the mesh API at http://127.0.0.1:4280 answered 502 Bad Gateway")]
    [InlineData(HttpStatusCode.InternalServerError, "[1, 2]", "the mesh API at http://127.0.0.1:4280 answered 500 Internal Server Error")]
    public void Anything_else_is_one_line_with_the_status(HttpStatusCode status, string body, string message)
    {
        var e = ApiProblem.ToException(status, body, Url);
        Assert.Equal($"http_{(int)status}", e.Code);
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("\"app demo: state file truncated\"", "app demo: state file truncated")]
    [InlineData("""{"grain": "app/demo", "problem": "cannot read its state"}""", "app/demo: cannot read its state")]
    [InlineData("""{"message": "catalogue lists 'gone' but it has no state"}""", "catalogue lists 'gone' but it has no state")]
    [InlineData("42", "42")]
    public void State_problems_print_as_one_line_each(string json, string line)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(line, StateProblemText.Of(doc.RootElement));
    }
}
