using System.Buffers.Binary;

namespace Mesh.Gateway.Connections;

/// <summary>
/// Watches the first server messages of a Postgres session (after TLS) for BackendKeyData
/// ('K': process id and secret key), then stops looking at ReadyForQuery ('Z') or after 64 KiB.
/// Fed every chunk the instance sends; keeps only the few header bytes that straddle chunks.
/// </summary>
public sealed class BackendKeyScanner
{
    private const int GiveUpAfter = 64 * 1024;
    private readonly byte[] _header = new byte[5];
    private int _headerFill;
    private int _skip;
    private byte[]? _body;
    private int _bodyFill;
    private long _seen;

    public bool Done { get; private set; }

    public int ProcessId { get; private set; }

    public byte[]? SecretKey { get; private set; }

    public void Feed(ReadOnlySpan<byte> data)
    {
        _seen += data.Length;
        while (!Done && data.Length > 0)
        {
            if (_skip > 0)
            {
                var n = Math.Min(_skip, data.Length);
                _skip -= n;
                data = data[n..];
                continue;
            }
            if (_body is not null)
            {
                var n = Math.Min(_body.Length - _bodyFill, data.Length);
                data[..n].CopyTo(_body.AsSpan(_bodyFill));
                _bodyFill += n;
                data = data[n..];
                if (_bodyFill == _body.Length)
                {
                    ProcessId = BinaryPrimitives.ReadInt32BigEndian(_body);
                    SecretKey = _body[4..];
                    Done = true;
                }
                continue;
            }
            var take = Math.Min(5 - _headerFill, data.Length);
            data[..take].CopyTo(_header.AsSpan(_headerFill));
            _headerFill += take;
            data = data[take..];
            if (_headerFill < 5) break;
            _headerFill = 0;
            var type = (char)_header[0];
            var length = BinaryPrimitives.ReadInt32BigEndian(_header.AsSpan(1));
            if (length < 4 || type == 'Z' || type == 'E')
            {
                Done = true;
            }
            else if (type == 'K' && length is >= 12 and <= 4 + 4 + 256)
            {
                _body = new byte[length - 4];
                _bodyFill = 0;
            }
            else
            {
                _skip = length - 4;
            }
        }
        if (_seen > GiveUpAfter) Done = true;
    }
}
