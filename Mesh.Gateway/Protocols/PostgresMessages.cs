using System.Buffers.Binary;
using System.Text;

namespace Mesh.Gateway.Protocols;

/// <summary>
/// The few backend messages the pg_tls handler sends itself, before any TLS or upstream exists
/// (PostgreSQL docs, "Message Flow: Start-up" and "Message Formats").
/// </summary>
public static class PostgresMessages
{
    /// <summary>The single byte answering SSLRequest when TLS will follow.</summary>
    public static ReadOnlySpan<byte> SslAccepted => "S"u8;

    /// <summary>The single byte answering GSSENCRequest: GSSAPI encryption is not offered.</summary>
    public static ReadOnlySpan<byte> GssRejected => "N"u8;

    /// <summary>
    /// A v3 ErrorResponse at severity FATAL: 'E', Int32 length (counting itself, not the type byte),
    /// fields S (localized severity), V (non-localized severity, since 9.6), C (SQLSTATE) and
    /// M (message), each a type byte and a NUL-terminated string, then a final NUL
    /// ("Error and Notice Message Fields"). libpq prints it as "FATAL:  message".
    /// </summary>
    /// <param name="sqlState">Five characters of digits and upper-case letters, e.g. "28000".</param>
    /// <param name="message">Human-readable text without NUL; sent as UTF-8.</param>
    public static byte[] ErrorResponse(string sqlState, string message)
    {
        ArgumentNullException.ThrowIfNull(sqlState);
        ArgumentNullException.ThrowIfNull(message);
        if (sqlState.Length != 5 || !sqlState.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c)))
        {
            throw new ArgumentException("A SQLSTATE is five digits or upper-case letters.", nameof(sqlState));
        }

        if (message.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A message field is NUL-terminated and cannot contain NUL.", nameof(message));
        }

        ReadOnlySpan<byte> severity = "FATAL"u8;
        var messageLength = Encoding.UTF8.GetByteCount(message);

        // Each field: type byte + value + NUL; then the terminating NUL.
        var bodyLength = (2 * (1 + severity.Length + 1)) + (1 + sqlState.Length + 1) + (1 + messageLength + 1) + 1;
        var bytes = new byte[1 + 4 + bodyLength];
        bytes[0] = (byte)'E';
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), 4 + bodyLength);

        var at = 5;
        at = Field(bytes, at, (byte)'S', severity);
        at = Field(bytes, at, (byte)'V', severity);
        bytes[at++] = (byte)'C';
        at += Encoding.ASCII.GetBytes(sqlState, bytes.AsSpan(at));
        bytes[at++] = 0;
        bytes[at++] = (byte)'M';
        at += Encoding.UTF8.GetBytes(message, bytes.AsSpan(at));
        bytes[at++] = 0;
        bytes[at] = 0;
        return bytes;
    }

    private static int Field(byte[] bytes, int at, byte type, ReadOnlySpan<byte> value)
    {
        bytes[at++] = type;
        value.CopyTo(bytes.AsSpan(at));
        at += value.Length;
        bytes[at++] = 0;
        return at;
    }
}
