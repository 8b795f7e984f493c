using System.Net.Sockets;
using System.Text;
using Mesh.Tests.Cluster;
using Mesh.Tests.Gateway;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Http;

/// <summary>
/// Malformed and ambiguous HTTP/1.x requests, sent byte for byte to a real gateway in front of an
/// app that records what it receives. Each is refused (4xx, connection closed) or passed on
/// normalised; the app never receives more requests than the client meant to send, never the
/// smuggled one, and the next client is served.
/// </summary>
[Collection(Gateway.GatewayProcessTests.Name)]
public sealed class SmugglingCorpusTests(RecordingGateway gateway) : IClassFixture<RecordingGateway>
{
    private const string Smuggled = "GET /SMUGGLED HTTP/1.1\r\nHost: app.test\r\n\r\n";

    /// <summary>(name, raw request bytes as Latin-1, requests the client meant, must be refused).</summary>
    public static TheoryData<string, string, int, bool> Corpus()
    {
        var data = new TheoryData<string, string, int, bool>();
        void Add(string name, string raw, int meant = 1, bool refuse = false) => data.Add(name, raw, meant, refuse);
        const string Post = "POST /c HTTP/1.1\r\nHost: app.test\r\n";
        // Content-Length and Transfer-Encoding together (RFC 9112 §6.1 says close after answering).
        Add("cl-te", Post + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + Smuggled, refuse: true);
        Add("te-cl", Post + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\n" + Smuggled + "\r\n0\r\n\r\n", refuse: true);
        Add("cl-te-lowercase", Post + "content-length: 6\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n" + Smuggled, refuse: true);
        Add("cl-te-100-continue", Post + "Expect: 100-continue\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + Smuggled, refuse: true);
        // Transfer-Encoding obfuscations.
        Add("te-xchunked", Post + "Content-Length: 5\r\nTransfer-Encoding: xchunked\r\n\r\nhello", refuse: true);
        Add("te-tab", Post + "Content-Length: 5\r\nTransfer-Encoding:\tchunked\r\n\r\nhello", refuse: true);
        Add("te-leading-space", Post + "Content-Length: 5\r\nTransfer-Encoding:  chunked\r\n\r\nhello", refuse: true);
        Add("te-chunked-identity", Post + "Transfer-Encoding: chunked, identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n", refuse: true);
        Add("te-identity-chunked", Post + "Transfer-Encoding: identity, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", refuse: true);
        Add("te-twice", Post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n", refuse: true);
        Add("te-space-before-colon", Post + "Content-Length: 5\r\nTransfer-Encoding : chunked\r\n\r\nhello", refuse: true);
        Add("te-quoted", Post + "Content-Length: 5\r\nTransfer-Encoding: \"chunked\"\r\n\r\nhello", refuse: true);
        Add("te-vertical-tab", Post + "Content-Length: 5\r\nTransfer-Encoding:\vchunked\r\n\r\nhello", refuse: true);
        Add("te-obs-fold", Post + "Content-Length: 5\r\nX-Pad: a\r\n Transfer-Encoding: chunked\r\n\r\nhello", refuse: true);
        Add("te-folded-value", Post + "Content-Length: 5\r\nTransfer-Encoding:\r\n chunked\r\n\r\nhello", refuse: true);
        Add("te-uppercase", Post + "Transfer-Encoding: CHUNKED\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        Add("te-underscore-name", Post + "Content-Length: 5\r\nTransfer_Encoding: chunked\r\n\r\nhello");
        // HTTP/1.0 has no chunked framing: other hops read this as a body-less request.
        Add("http10-te-chunked", "POST /c HTTP/1.0\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + Smuggled, refuse: true);
        Add("http10-te-cl", "POST /c HTTP/1.0\r\nHost: app.test\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello", refuse: true);
        Add("http10-content-length", "POST /c HTTP/1.0\r\nHost: app.test\r\nContent-Length: 5\r\n\r\nhello");
        // Content-Length variants.
        Add("cl-duplicate-same", Post + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", refuse: true);
        Add("cl-duplicate-different", Post + "Content-Length: 5\r\nContent-Length: 40\r\n\r\nhello" + Smuggled, refuse: true);
        Add("cl-list-same", Post + "Content-Length: 5, 5\r\n\r\nhello", refuse: true);
        Add("cl-list-different", Post + "Content-Length: 5, 40\r\n\r\nhello" + Smuggled, refuse: true);
        Add("cl-plus", Post + "Content-Length: +5\r\n\r\nhello");
        Add("cl-negative", Post + "Content-Length: -1\r\n\r\n", refuse: true);
        Add("cl-hex", Post + "Content-Length: 0x5\r\n\r\nhello", refuse: true);
        Add("cl-overflow", Post + "Content-Length: 99999999999999999999999\r\n\r\nhello", refuse: true);
        Add("cl-trailing-letters", Post + "Content-Length: 5a\r\n\r\nhello", refuse: true);
        Add("cl-empty", Post + "Content-Length:\r\n\r\n", refuse: true);
        Add("cl-trailing-space", Post + "Content-Length: 5 \r\n\r\nhello");
        Add("cl-underscore-name", Post + "Content_Length: 40\r\nContent-Length: 5\r\n\r\nhello");
        Add("get-with-body-pipelined", "GET /c HTTP/1.1\r\nHost: app.test\r\nContent-Length: 5\r\n\r\nhelloGET /c2 HTTP/1.1\r\nHost: app.test\r\n\r\n", meant: 2);
        // Chunk sizes and extensions.
        Add("chunk-size-overflow", Post + "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n", refuse: true);
        Add("chunk-size-negative", Post + "Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n", refuse: true);
        Add("chunk-size-0x", Post + "Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", refuse: true);
        Add("chunk-size-leading-space", Post + "Transfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n", refuse: true);
        Add("chunk-data-too-long", Post + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX\r\n0\r\n\r\n", refuse: true);
        Add("chunk-bare-lf", Post + "Transfer-Encoding: chunked\r\n\r\n5\nhello\n0\n\n", refuse: true);
        Add("chunk-extension-oversized", Post + "Transfer-Encoding: chunked\r\n\r\n5;" + new string('a', 70_000) + "\r\nhello\r\n0\r\n\r\n");
        Add("chunk-trailer-content-length", Post + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nContent-Length: 50\r\n\r\n");
        // Line endings, control bytes and header names.
        Add("bare-cr-in-value", "GET /c HTTP/1.1\r\nHost: app.test\r\nX-A: a\rb\r\n\r\n", refuse: true);
        Add("bare-lf-headers", "GET /c HTTP/1.1\nHost: app.test\nX-A: a\n\n");
        Add("nul-in-value", "GET /c HTTP/1.1\r\nHost: app.test\r\nX-A: a\0b\r\n\r\n", refuse: true);
        Add("nul-in-name", "GET /c HTTP/1.1\r\nHost: app.test\r\nX-\0A: b\r\n\r\n", refuse: true);
        Add("space-in-name", "GET /c HTTP/1.1\r\nHost: app.test\r\nX A: b\r\n\r\n", refuse: true);
        Add("empty-name", "GET /c HTTP/1.1\r\nHost: app.test\r\n: b\r\n\r\n", refuse: true);
        Add("separator-in-name", "GET /c HTTP/1.1\r\nHost: app.test\r\nX(A): b\r\n\r\n");
        Add("obs-fold", "GET /c HTTP/1.1\r\nHost: app.test\r\nX-A: a\r\n b\r\n\r\n", refuse: true);
        Add("request-line-double-space", "GET  /c HTTP/1.1\r\nHost: app.test\r\n\r\n", refuse: true);
        Add("request-line-bad-version", "GET /c HTTP/1.2\r\nHost: app.test\r\n\r\n", refuse: true);
        Add("request-line-lowercase-version", "GET /c http/1.1\r\nHost: app.test\r\n\r\n", refuse: true);
        // Targets and Host.
        Add("absolute-form-host-mismatch", "GET http://other.example/c HTTP/1.1\r\nHost: app.test\r\n\r\n");
        Add("absolute-form-userinfo", "GET http://user@app.test/c HTTP/1.1\r\nHost: app.test\r\n\r\n");
        Add("two-hosts", "GET /c HTTP/1.1\r\nHost: app.test\r\nHost: other.example\r\n\r\n", refuse: true);
        Add("no-host-http11", "GET /c HTTP/1.1\r\nX-A: b\r\n\r\n", refuse: true);
        return data;
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task A_malformed_request_is_refused_or_normalised_and_never_desyncs(string name, string raw, int meant, bool refuse)
    {
        var before = gateway.App.Requests.Count;
        var statuses = new List<int>();
        string answer;
        using (var client = await Wire.ConnectAsync(gateway.V4, 80))
        {
            await client.SendAsync(Encoding.Latin1.GetBytes(raw));
            answer = await ReadAnswersAsync(client, meant, statuses);
        }
        Assert.True(statuses.Count <= meant, $"{name}: {statuses.Count} responses to {meant} request(s):\n{answer}");
        Assert.All(statuses, s => Assert.True(s is (>= 200 and < 300) || IsRefusal(s), $"{name}: status {s}:\n{answer}"));
        if (refuse) Assert.True(statuses.All(IsRefusal), $"{name}: accepted, should be refused:\n{answer}");

        // The app's view, once the gateway has finished with the connection: nothing smuggled,
        // and at most the requests the client meant, each whole.
        var next = await NormalRequestAsync();
        Assert.StartsWith("HTTP/1.1 200", next);
        var received = gateway.App.Requests.Skip(before).Where(r => !r.RequestLine.StartsWith("GET /after", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(received, r => r.RequestLine.Contains("SMUGGLED", StringComparison.Ordinal));
        var whole = received.Where(r => r.Complete).ToList();
        Assert.True(whole.Count <= meant, $"{name}: the app received {whole.Count} requests:\n{string.Join("\n---\n", whole.Select(r => r.Head))}");
        // A refused request may have reached the app as a head whose body the gateway then cut
        // off (bad chunk framing is found while the body streams), never as a whole request.
        if (refuse) Assert.Empty(whole);
        else Assert.Equal(received.Count, whole.Count);
    }

    /// <summary>4xx, or Kestrel's 505 for a version it does not speak.</summary>
    private static bool IsRefusal(int status) => status is (>= 400 and < 500) or 505;

    /// <summary>
    /// Reads responses until the client has an answer to every request it meant, or the gateway
    /// closes; after a refusal the connection must close (the read fails at its deadline otherwise).
    /// </summary>
    private static async Task<string> ReadAnswersAsync(Socket client, int meant, List<int> statuses)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var all = new StringBuilder();
        var pending = new List<byte>();
        var buffer = new byte[16384];
        var refused = false;
        while (true)
        {
            int n;
            try
            {
                n = await client.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                break;
            }
            if (n == 0) break;
            all.Append(Encoding.Latin1.GetString(buffer, 0, n));
            pending.AddRange(buffer.AsSpan(0, n));
            while (HttpFraming.TryTake(pending, out var head, out _))
            {
                // The rest of a close-delimited body (an HTTP/1.0 answer) is not another response.
                if (!head.StartsWith("HTTP/1.", StringComparison.Ordinal))
                {
                    pending.Clear();
                    break;
                }
                var status = int.Parse(head.Split(' ')[1]);
                if (status < 200) continue;
                statuses.Add(status);
                refused |= status >= 300;
            }
            if (!refused && statuses.Count >= meant) break;
        }
        return all.ToString();
    }

    private async Task<string> NormalRequestAsync()
    {
        using var client = await Wire.ConnectAsync(gateway.V4, 80);
        await client.SendAsync(Encoding.ASCII.GetBytes("GET /after HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n"));
        return await Wire.ReadToEndAsync(client, TimeSpan.FromSeconds(20));
    }

}
