using System.Buffers.Binary;
using System.Text;
using Mesh.Gateway.Protocols;

namespace Mesh.Tests.Protocols;

public sealed class PostgresMessagesTests
{
    [Fact]
    public void One_byte_answers()
    {
        Assert.Equal("S"u8.ToArray(), PostgresMessages.SslAccepted.ToArray());
        Assert.Equal("N"u8.ToArray(), PostgresMessages.GssRejected.ToArray());
    }

    [Fact]
    public void Error_response_has_the_exact_v3_layout()
    {
        var bytes = PostgresMessages.ErrorResponse("28000", "SSL/TLS required: connect with sslmode=require");

        byte[] expected =
        [
            (byte)'E', 0x00, 0x00, 0x00, 0x4A,
            (byte)'S', .. "FATAL"u8, 0,
            (byte)'V', .. "FATAL"u8, 0,
            (byte)'C', .. "28000"u8, 0,
            (byte)'M', .. "SSL/TLS required: connect with sslmode=require"u8, 0,
            0,
        ];
        Assert.Equal(expected, bytes);

        // The length counts itself and the body, not the type byte.
        Assert.Equal(bytes.Length - 1, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1)));
        (char, string)[] fields = [('S', "FATAL"), ('V', "FATAL"), ('C', "28000"), ('M', "SSL/TLS required: connect with sslmode=require")];
        Assert.Equal(fields, Fields(bytes));
    }

    [Fact]
    public void Error_response_message_is_utf8()
    {
        var bytes = PostgresMessages.ErrorResponse("08P01", "connexion refusée ✓");
        Assert.Equal(bytes.Length - 1, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1)));
        Assert.Equal(('M', "connexion refusée ✓"), Fields(bytes)[^1]);
    }

    [Theory]
    [InlineData("2800")]
    [InlineData("280000")]
    [InlineData("28a00")]
    [InlineData("28-00")]
    public void Error_response_refuses_a_malformed_sqlstate(string sqlState) =>
        Assert.Throws<ArgumentException>("sqlState", () => PostgresMessages.ErrorResponse(sqlState, "x"));

    [Fact]
    public void Error_response_refuses_nul_in_the_message() =>
        Assert.Throws<ArgumentException>("message", () => PostgresMessages.ErrorResponse("28000", "a\0b"));

    /// <summary>Reads the fields back the way libpq's pqGetErrorNotice3 does.</summary>
    private static List<(char Type, string Value)> Fields(byte[] message)
    {
        Assert.Equal((byte)'E', message[0]);
        var body = message.AsSpan(5);
        var fields = new List<(char, string)>();
        while (body[0] != 0)
        {
            var end = body.IndexOf((byte)0);
            fields.Add(((char)body[0], Encoding.UTF8.GetString(body[1..end])));
            body = body[(end + 1)..];
        }

        Assert.Equal(1, body.Length);
        return fields;
    }
}
