using Mesh.Acme;
using Mesh.Domain;

namespace Mesh.Tests.Acme;

/// <summary>What the client makes of the CA's error documents, Retry-After headers and objects.</summary>
public class AcmeProblemTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("120", 120)]
    [InlineData(" 0 ", 0)]
    [InlineData("Tue, 01 Dec 2026 12:01:30 GMT", 90)]
    [InlineData("Tuesday, 01-Dec-26 12:00:10 GMT", 10)]
    [InlineData("Tue Dec  1 12:00:05 2026", 5)]
    [InlineData("Tue, 01 Dec 2026 11:00:00 GMT", 0)]
    public void Retry_after_is_read_as_seconds_or_an_HTTP_date(string header, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfter.Parse(header, Now));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    public void An_absent_or_unreadable_retry_after_is_none(string? header) => Assert.Null(RetryAfter.Parse(header, Now));

    [Fact]
    public void A_problem_document_gives_its_type_a_one_line_detail_and_the_retry_after()
    {
        const string body = """{"type":"urn:ietf:params:acme:error:rateLimited","detail":"too many certificates\nfor this name","status":429}""";
        var e = AcmeProblem.FromResponse(body, 429, "https://ca.test/order-plz", TimeSpan.FromMinutes(5));
        Assert.Equal("urn:ietf:params:acme:error:rateLimited", e.Type);
        Assert.Equal("too many certificates for this name (rateLimited)", e.Message);
        Assert.Equal(TimeSpan.FromMinutes(5), e.RetryAfter);
    }

    [Fact]
    public void A_body_that_is_no_problem_still_names_the_status()
    {
        var e = AcmeProblem.FromResponse("<html>bad gateway</html>", 502, "https://ca.test/dir", null);
        Assert.Equal("http502", e.Type);
        Assert.Equal("the ACME server answered 502 to https://ca.test/dir", e.Message);
    }

    [Fact]
    public void An_invalid_authorization_explains_itself_with_its_challenge_error_and_offers_its_challenges_by_preference()
    {
        const string body = """
            {"status":"invalid","identifier":{"type":"dns","value":"a.test"},"challenges":[
              {"type":"http-01","url":"https://ca.test/c/1","token":"t1","status":"pending"},
              {"type":"tls-alpn-01","url":"https://ca.test/c/2","token":"t2","status":"invalid",
               "error":{"type":"urn:ietf:params:acme:error:connection","detail":"127.0.0.1: Connection refused"}}]}
            """;
        var authorization = AcmeAuthorization.Parse(body);
        Assert.Equal("a.test", authorization.Identifier);
        Assert.Equal("t2", authorization.Choose([AcmeChallengeType.TlsAlpn01, AcmeChallengeType.Http01])!.Token);
        Assert.Equal("t1", authorization.Choose(["dns-01", AcmeChallengeType.Http01])!.Token);
        Assert.Null(authorization.Choose(["dns-01"]));
        var failure = authorization.Failure("a.test");
        Assert.Equal("urn:ietf:params:acme:error:connection", failure.Type);
        Assert.Equal("tls-alpn-01 validation failed: 127.0.0.1: Connection refused (connection)", failure.Message);
    }

    [Fact]
    public void An_order_without_what_it_must_have_is_a_named_malformed_response()
    {
        var e = Assert.Throws<AcmeException>(() => AcmeOrder.Parse("https://ca.test/o/1", """{"status":"pending","authorizations":[]}"""));
        Assert.Equal("malformedResponse", e.Type);
        Assert.Equal("the ACME server sent an unreadable order: it has no \"finalize\"", e.Message);
    }

    [Theory]
    [InlineData("Directory", "http://ca.test/dir")]
    [InlineData("Directory", "not a url")]
    [InlineData("Email", "ops at example")]
    [InlineData("TrustedRoots", "/nonexistent/roots.pem")]
    public void A_bad_setting_is_refused_in_one_line_naming_its_key(string key, string value)
    {
        var options = new AcmeOptions { Directory = "https://ca.test/dir" };
        typeof(AcmeOptions).GetProperty(key)!.SetValue(options, value);
        var e = Assert.Throws<MeshException>(options.Validate);
        Assert.Equal("config_invalid", e.Code);
        Assert.StartsWith($"Mesh:Acme:{key}: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
