using System.Buffers;

namespace Mesh.Gateway.Protocols;

/// <summary>
/// Peeks the TLS ClientHello at the start of a connection (RFC 8446 §4.1.2; record layer RFC 8446
/// §5.1 / RFC 5246 §6.2) for SNI, ALPN and supported_versions, so a listener can pick a certificate
/// or a route before handing the untouched bytes to the TLS stack. Pure: it never consumes.
/// </summary>
/// <remarks>
/// The handshake message may be fragmented over several records, and the records over any number
/// of buffer segments. Records are only walked in place; the message is copied (into a pooled
/// buffer) only when it does not already sit in one contiguous span.
/// </remarks>
public static partial class ClientHelloReader
{
    /// <summary>RFC 8446 §5.1: TLSPlaintext.length MUST NOT exceed 2^14.</summary>
    private const int MaxRecordPayload = 1 << 14;

    /// <summary>ContentType (1), ProtocolVersion (2), length (2).</summary>
    private const int RecordHeaderLength = 5;

    /// <summary>
    /// The most this reader will ask to be buffered before it gives up: one maximal record. Real
    /// ClientHellos are far smaller (under about 2 KiB even with a 1216-byte X25519MLKEM768 key
    /// share), so anything that needs more is treated as an attack on the gateway's memory.
    /// </summary>
    public const int MaxBufferedBytes = MaxRecordPayload + RecordHeaderLength;

    /// <summary>ContentType handshake (RFC 8446 §5.1).</summary>
    private const byte HandshakeRecord = 22;

    /// <summary>HandshakeType client_hello (RFC 8446 §4).</summary>
    private const byte ClientHelloType = 1;

    /// <summary>msg_type (1) and a 24-bit length (RFC 8446 §4).</summary>
    private const int HandshakeHeaderLength = 4;

    /// <summary>Reads the ClientHello at the start of <paramref name="buffer"/>.</summary>
    /// <returns>
    /// <see cref="PeekResult.NotMine"/> if the bytes do not start a TLS handshake record
    /// (first byte not 22 or record major version not 3); <see cref="PeekResult.NeedMore"/> until
    /// the whole ClientHello has arrived; <see cref="PeekResult.Invalid"/> on malformed lengths,
    /// a first handshake message that is not a ClientHello, or one that would need more than
    /// <see cref="MaxBufferedBytes"/> bytes; else <see cref="PeekResult.Parsed"/>.
    /// </returns>
    public static PeekResult TryRead(in ReadOnlySequence<byte> buffer, out ClientHelloInfo? hello)
    {
        hello = null;
        var located = Locate(buffer, out var messageLength, out var records);
        if (located == PeekResult.NeedMore && buffer.Length >= MaxBufferedBytes)
        {
            return PeekResult.Invalid;
        }

        if (located != PeekResult.Parsed)
        {
            return located;
        }

        if (records == 1)
        {
            var inPlace = buffer.Slice(RecordHeaderLength, messageLength);
            if (inPlace.IsSingleSegment)
            {
                return Parse(inPlace.FirstSpan, out hello);
            }
        }

        var rented = ArrayPool<byte>.Shared.Rent(messageLength);
        try
        {
            var message = rented.AsSpan(0, messageLength);
            Reassemble(buffer, message);
            return Parse(message, out hello);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Walks the records until the ClientHello is complete, checking the record layer on the way.
    /// Reports the handshake message length (header included) and how many records carry it.
    /// </summary>
    private static PeekResult Locate(in ReadOnlySequence<byte> buffer, out int messageLength, out int records)
    {
        messageLength = 0;
        records = 0;
        var reader = new SequenceReader<byte>(buffer);
        Span<byte> handshakeHeader = stackalloc byte[HandshakeHeaderLength];
        var headerBytes = 0;
        var total = -1;
        var have = 0;

        while (true)
        {
            if (!reader.TryRead(out var contentType))
            {
                return PeekResult.NeedMore;
            }

            // RFC 8446 §5.1: a handshake message split over records has no other record type in between.
            if (contentType != HandshakeRecord)
            {
                return records == 0 ? PeekResult.NotMine : PeekResult.Invalid;
            }

            if (!reader.TryRead(out var major))
            {
                return PeekResult.NeedMore;
            }

            // Every SSL 3.0 .. TLS 1.3 record says major version 3; SSLv2 and other protocols do not.
            if (major != 3)
            {
                return records == 0 ? PeekResult.NotMine : PeekResult.Invalid;
            }

            if (!reader.TryRead(out _) || !reader.TryReadBigEndian(out short signedLength))
            {
                return PeekResult.NeedMore;
            }

            // RFC 8446 §5.1: no record over 2^14 bytes and no zero-length handshake fragment.
            var take = (int)(ushort)signedLength;
            if (take is 0 or > MaxRecordPayload)
            {
                return PeekResult.Invalid;
            }

            records++;
            while (headerBytes < HandshakeHeaderLength && take > 0)
            {
                if (!reader.TryRead(out var b))
                {
                    return PeekResult.NeedMore;
                }

                handshakeHeader[headerBytes++] = b;
                take--;
            }

            if (headerBytes < HandshakeHeaderLength)
            {
                continue;
            }

            if (total < 0)
            {
                // The client speaks first, and its first handshake message is the ClientHello (RFC 8446 §4.1.1).
                if (handshakeHeader[0] != ClientHelloType)
                {
                    return PeekResult.Invalid;
                }

                total = HandshakeHeaderLength + ((handshakeHeader[1] << 16) | (handshakeHeader[2] << 8) | handshakeHeader[3]);
                if (total > MaxRecordPayload)
                {
                    return PeekResult.Invalid;
                }

                have = HandshakeHeaderLength;
            }

            var need = total - have;
            if (take >= need)
            {
                // Any bytes after the ClientHello in this record are the TLS stack's business.
                if (reader.Consumed + need > MaxBufferedBytes)
                {
                    return PeekResult.Invalid;
                }

                if (reader.Remaining < need)
                {
                    return PeekResult.NeedMore;
                }

                messageLength = total;
                return PeekResult.Parsed;
            }

            // Another record must follow, so at least one more record header on top of what is missing.
            if (reader.Consumed + need + RecordHeaderLength > MaxBufferedBytes)
            {
                return PeekResult.Invalid;
            }

            if (reader.Remaining < take)
            {
                return PeekResult.NeedMore;
            }

            reader.Advance(take);
            have += take;
        }
    }

    /// <summary>Copies the handshake message out of its records; <see cref="Locate"/> has checked them.</summary>
    private static void Reassemble(in ReadOnlySequence<byte> buffer, Span<byte> message)
    {
        var reader = new SequenceReader<byte>(buffer);
        var written = 0;
        while (written < message.Length)
        {
            reader.Advance(3);
            reader.TryReadBigEndian(out short signedLength);
            var fragment = Math.Min((ushort)signedLength, message.Length - written);
            reader.TryCopyTo(message.Slice(written, fragment));
            reader.Advance(fragment);
            written += fragment;
        }
    }
}
