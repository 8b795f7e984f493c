using System.Buffers;
using System.Buffers.Binary;

namespace Mesh.Gateway.Protocols;

/// <summary>
/// Classifies the first client message of a Postgres connection so the pg_tls handler can answer
/// SSLRequest itself, refuse GSSAPI encryption, route a CancelRequest, reject plaintext, or hand a
/// direct TLS handshake to the TLS stack. Pure: it never consumes.
/// </summary>
/// <remarks>
/// Every message here but direct TLS is an untyped start-up packet: Int32 length (counting itself),
/// Int32 code or protocol version, then the body (PostgreSQL docs, "Message Formats").
/// </remarks>
public static class PostgresPreamble
{
    /// <summary>1234 &lt;&lt; 16 | 5679, the SSLRequest code; the message is exactly 8 bytes.</summary>
    public const int SslRequestCode = 80877103;

    /// <summary>1234 &lt;&lt; 16 | 5680, the GSSENCRequest code; the message is exactly 8 bytes.</summary>
    public const int GssEncRequestCode = 80877104;

    /// <summary>1234 &lt;&lt; 16 | 5678, the CancelRequest code.</summary>
    public const int CancelRequestCode = 80877102;

    /// <summary>Protocol 3.0 in a StartupMessage: major 3 in the high 16 bits, minor 0.</summary>
    public const int Protocol30 = 3 << 16;

    /// <summary>Protocol 3.2 (PostgreSQL 18), whose cancel keys may be longer than 4 bytes.</summary>
    public const int Protocol32 = (3 << 16) | 2;

    /// <summary>
    /// Length of SSLRequest and GSSENCRequest, and the shortest start-up packet (length + code).
    /// </summary>
    private const int MinimumLength = 8;

    /// <summary>
    /// The server's MAX_STARTUP_PACKET_LENGTH (src/include/libpq/pqcomm.h) is 10000; we apply it to
    /// the whole message, which also bounds what the gateway buffers before deciding.
    /// </summary>
    private const int MaximumLength = 10000;

    /// <summary>Length, code and process id precede the secret key in a CancelRequest.</summary>
    private const int CancelHeaderLength = 12;

    /// <summary>
    /// Protocol 3.0 keys are 4 bytes; 3.2 (PostgreSQL 18) allows up to 256, "Message Formats",
    /// BackendKeyData/CancelRequest.
    /// </summary>
    private const int MinSecretKeyLength = 4;

    private const int MaxSecretKeyLength = 256;

    /// <summary>First byte of a TLS handshake record (RFC 8446 §5.1, ContentType handshake = 22).</summary>
    private const byte TlsHandshakeRecord = 0x16;

    /// <summary>Classifies the bytes at the start of <paramref name="buffer"/>.</summary>
    /// <returns>
    /// <see cref="PeekResult.NeedMore"/> until the whole first message is present,
    /// <see cref="PeekResult.Parsed"/> with <paramref name="start"/> filled in, or
    /// <see cref="PeekResult.Invalid"/> for anything a Postgres server would refuse.
    /// Never <see cref="PeekResult.NotMine"/>: on a pg_tls port every byte stream is meant to be Postgres.
    /// </returns>
    public static PeekResult Detect(in ReadOnlySequence<byte> buffer, out PostgresStart start)
    {
        start = default;
        Span<byte> head = stackalloc byte[CancelHeaderLength];
        var available = (int)Math.Min(buffer.Length, head.Length);
        buffer.Slice(0, available).CopyTo(head);
        head = head[..available];

        if (available == 0)
        {
            return PeekResult.NeedMore;
        }

        // PostgreSQL 17 direct TLS: a start-up packet cannot begin with 0x16, since its length is
        // at most 10000 and its first byte is therefore 0.
        if (head[0] == TlsHandshakeRecord)
        {
            start = new PostgresStart(PostgresStartKind.DirectTls, 0, 0, null);
            return PeekResult.Parsed;
        }

        if (available < 4)
        {
            // Fail early on garbage: a length of at most 10000 (0x2710) starts with two zero bytes.
            return head[0] != 0 || (available > 1 && head[1] != 0) ? PeekResult.Invalid : PeekResult.NeedMore;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(head);
        if (length is < MinimumLength or > MaximumLength)
        {
            return PeekResult.Invalid;
        }

        if (available < MinimumLength)
        {
            return PeekResult.NeedMore;
        }

        var code = BinaryPrimitives.ReadInt32BigEndian(head[4..]);
        switch (code)
        {
            case SslRequestCode:
                return Fixed(PostgresStartKind.SslRequest, length, out start);
            case GssEncRequestCode:
                return Fixed(PostgresStartKind.GssEncRequest, length, out start);
            case CancelRequestCode:
                return Cancel(buffer, length, out start);
            case var _ when code >> 16 == 3:
                return Startup(buffer, length, out start);
            default:
                // Protocol 2.0 and unknown request codes: the server would refuse them too.
                return PeekResult.Invalid;
        }
    }

    private static PeekResult Fixed(PostgresStartKind kind, int length, out PostgresStart start)
    {
        start = default;
        if (length != MinimumLength)
        {
            return PeekResult.Invalid;
        }

        start = new PostgresStart(kind, length, 0, null);
        return PeekResult.Parsed;
    }

    private static PeekResult Cancel(in ReadOnlySequence<byte> buffer, int length, out PostgresStart start)
    {
        start = default;
        var keyLength = length - CancelHeaderLength;
        if (keyLength is < MinSecretKeyLength or > MaxSecretKeyLength)
        {
            return PeekResult.Invalid;
        }

        if (buffer.Length < length)
        {
            return PeekResult.NeedMore;
        }

        Span<byte> processId = stackalloc byte[4];
        buffer.Slice(8, 4).CopyTo(processId);
        var key = buffer.Slice(CancelHeaderLength, keyLength).ToArray();
        start = new PostgresStart(PostgresStartKind.CancelRequest, length, BinaryPrimitives.ReadInt32BigEndian(processId), key);
        return PeekResult.Parsed;
    }

    /// <summary>
    /// Any 3.x minor is accepted, as the server does: it answers a newer minor than it knows with
    /// NegotiateProtocolVersion rather than refusing it (protocol docs, "Protocol versions").
    /// </summary>
    private static PeekResult Startup(in ReadOnlySequence<byte> buffer, int length, out PostgresStart start)
    {
        start = default;

        // The parameter list is NUL-terminated strings ending in one more NUL, so at least one
        // byte follows the version; the server insists on that terminator as the last byte.
        if (length <= MinimumLength)
        {
            return PeekResult.Invalid;
        }

        if (buffer.Length < length)
        {
            return PeekResult.NeedMore;
        }

        Span<byte> last = stackalloc byte[1];
        buffer.Slice(length - 1, 1).CopyTo(last);
        if (last[0] != 0)
        {
            return PeekResult.Invalid;
        }

        start = new PostgresStart(PostgresStartKind.Startup, length, 0, null);
        return PeekResult.Parsed;
    }
}
