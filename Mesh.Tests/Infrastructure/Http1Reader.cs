using System.Globalization;
using System.Text;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// Reads the parts of HTTP/1.1 messages off a stream, one at a time (RFC 9112): a head, a
/// Content-Length body, a chunked body with its trailer section, or everything until the peer
/// closes. Bytes past the part asked for stay buffered for the next read, so pipelined messages
/// are taken apart exactly where they end. For the test apps and raw clients only: strict about
/// nothing but where a message ends.
/// </summary>
internal sealed class Http1Reader(Stream stream)
{
    private byte[] _buffer = new byte[16384];
    private int _length;

    /// <summary>Every byte read from the stream so far, as Latin-1 text: what a failing test shows.</summary>
    public string Seen => Encoding.Latin1.GetString(_seen.ToArray());

    private readonly MemoryStream _seen = new();

    /// <summary>The head (start line and fields, without the blank line), or null when the peer closed before sending a byte of one.</summary>
    public async Task<string?> ReadHeadAsync(CancellationToken ct)
    {
        while (true)
        {
            var end = _buffer.AsSpan(0, _length).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var head = Encoding.Latin1.GetString(_buffer, 0, end);
                Consume(end + 4);
                return head;
            }
            if (!await FillAsync(ct))
            {
                if (_length == 0) return null;
                throw new EndOfStreamException($"the peer closed in the middle of a head: {Encoding.Latin1.GetString(_buffer, 0, _length)}");
            }
        }
    }

    public async Task<byte[]> ReadExactlyAsync(int count, CancellationToken ct)
    {
        while (_length < count)
        {
            if (!await FillAsync(ct)) throw new EndOfStreamException($"the peer closed after {_length} of {count} body bytes");
        }
        var bytes = _buffer[..count];
        Consume(count);
        return bytes;
    }

    /// <summary>A chunked body, decoded, and the trailer field lines that followed its last chunk.</summary>
    public async Task<(byte[] Body, List<string> Trailers)> ReadChunkedAsync(CancellationToken ct)
    {
        var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(ct);
            var size = int.Parse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0) break;
            body.Write(await ReadExactlyAsync(size, ct));
            if (await ReadLineAsync(ct) != "") throw new InvalidDataException("a chunk did not end with CRLF");
        }
        var trailers = new List<string>();
        for (var line = await ReadLineAsync(ct); line != ""; line = await ReadLineAsync(ct)) trailers.Add(line);
        return (body.ToArray(), trailers);
    }

    /// <summary>What is left until the peer closes (a close-delimited body).</summary>
    public async Task<byte[]> ReadToEndAsync(CancellationToken ct)
    {
        while (await FillAsync(ct))
        {
        }
        var bytes = _buffer[.._length];
        Consume(_length);
        return bytes;
    }

    /// <summary>True when the peer closes (FIN or reset) with nothing more to read; false when a byte arrives instead.</summary>
    public async Task<bool> PeerClosedAsync(CancellationToken ct) => _length == 0 && !await FillAsync(ct);

    private async Task<string> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            var end = _buffer.AsSpan(0, _length).IndexOf("\r\n"u8);
            if (end >= 0)
            {
                var line = Encoding.Latin1.GetString(_buffer, 0, end);
                Consume(end + 2);
                return line;
            }
            if (!await FillAsync(ct)) throw new EndOfStreamException("the peer closed in the middle of a chunked body");
        }
    }

    /// <summary>Reads more bytes into the buffer; false at the end of the stream (a reset counts as one).</summary>
    private async Task<bool> FillAsync(CancellationToken ct)
    {
        if (_length == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        int n;
        try
        {
            n = await stream.ReadAsync(_buffer.AsMemory(_length), ct);
        }
        catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionReset })
        {
            return false;
        }
        _seen.Write(_buffer, _length, n);
        _length += n;
        return n > 0;
    }

    private void Consume(int count)
    {
        Buffer.BlockCopy(_buffer, count, _buffer, 0, _length - count);
        _length -= count;
    }
}
