using System.Text;
using Mesh.Gateway.Http1;

namespace Mesh.Tests.Http1Unit;

/// <summary>Chunked framing followed as it streams: split anywhere, the same end, the same data; invalid framing never passes.</summary>
public sealed class ChunkedFramingTests
{
    /// <summary>Feeds <paramref name="pieces"/> in order; returns (bytes in the message, data, done, invalid).</summary>
    private static (int Consumed, string Data, bool Done, bool Invalid) Feed(params byte[][] pieces)
    {
        var framing = new ChunkedFraming();
        var consumed = 0;
        var data = new StringBuilder();
        foreach (var piece in pieces)
        {
            var offset = 0;
            while (offset < piece.Length && !framing.IsDone && !framing.IsInvalid)
            {
                var n = framing.Advance(piece.AsSpan(offset), out var start, out var length);
                data.Append(Encoding.Latin1.GetString(piece, offset + start, length));
                offset += n;
                consumed += n;
            }
        }
        return (consumed, data.ToString(), framing.IsDone, framing.IsInvalid);
    }

    private static IEnumerable<byte[][]> Splits(byte[] all)
    {
        yield return [all];
        yield return [.. all.Select(b => new[] { b })];
        for (var cut = 1; cut < all.Length; cut++) yield return [all[..cut], all[cut..]];
    }

    [Theory]
    [InlineData("5\r\nhello\r\n0\r\n\r\n", "hello")]
    [InlineData("5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\n\r\n", "hello0123456789")]
    [InlineData("5\r\nhello\r\n0\r\nX-Trailer: t\r\nX-Other: u\r\n\r\n", "hello")]
    [InlineData("0\r\n\r\n", "")]
    [InlineData("00000003\r\nabc\r\n0\r\n\r\n", "abc")]
    public void A_valid_body_ends_at_its_last_chunk_wherever_it_is_split(string body, string data)
    {
        var all = Encoding.Latin1.GetBytes(body + "GET /next HTTP/1.1\r\n");
        foreach (var split in Splits(all))
        {
            var (consumed, seen, done, invalid) = Feed(split);
            Assert.True(done);
            Assert.False(invalid);
            // The next request is never read as part of this body.
            Assert.Equal(body.Length, consumed);
            Assert.Equal(data, seen);
        }
    }

    [Theory]
    [InlineData("FFFFFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n")]
    [InlineData("-5\r\nhello\r\n0\r\n\r\n")]
    [InlineData("0x5\r\nhello\r\n0\r\n\r\n")]
    [InlineData(" 5\r\nhello\r\n0\r\n\r\n")]
    [InlineData("+5\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5\r\nhelloXX\r\n0\r\n\r\n")]
    [InlineData("5\nhello\n0\n\n")]
    [InlineData("5\r\nhello\n0\r\n\r\n")]
    [InlineData("\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5 \r\nhello\r\n0\r\n\r\n")]
    [InlineData("5;a\nb\r\nhello\r\n0\r\n\r\n")]
    [InlineData("0\r\n Folded: t\r\n\r\n")]
    [InlineData("0\r\nX-T: a\0b\r\n\r\n")]
    [InlineData("0\r\n\n")]
    public void Invalid_framing_is_found_wherever_it_is_split(string body)
    {
        foreach (var split in Splits(Encoding.Latin1.GetBytes(body)))
        {
            var (_, _, done, invalid) = Feed(split);
            Assert.True(invalid, body);
            Assert.False(done);
        }
    }

    [Fact]
    public void A_body_cut_short_is_neither_done_nor_invalid()
    {
        var (_, data, done, invalid) = Feed(Encoding.Latin1.GetBytes("5\r\nhel"));
        Assert.Equal("hel", data);
        Assert.False(done);
        Assert.False(invalid);
    }
}
