namespace Mesh.Gateway.Http1;

/// <summary>
/// Follows a chunked body (RFC 9112 §7.1) byte by byte as it streams, in either direction:
/// where each chunk's data lies, where the message ends (after the trailer section), and whether
/// the framing is valid — chunk sizes of hex digits only (no sign, no <c>0x</c>, no leading space,
/// at most 15 digits), CRLF everywhere (a bare LF or CR is invalid), data exactly as long as its
/// size says. Extensions are skipped; trailer fields are checked for control bytes and passed on.
/// A mutable struct kept per body; pure.
/// </summary>
public struct ChunkedFraming
{
    private const int MaxSizeDigits = 15;

    private enum State : byte
    {
        Size,
        Extension,
        SizeLf,
        Data,
        DataCr,
        DataLf,
        TrailerLineStart,
        Trailer,
        TrailerLf,
        FinalLf,
        Done,
        Invalid,
    }

    private State _state;
    private long _remaining;
    private int _digits;

    public readonly bool IsDone => _state == State.Done;

    public readonly bool IsInvalid => _state == State.Invalid;

    /// <summary>
    /// Reads from <paramref name="input"/> until the end of the message, the end of the input, or
    /// the end of a run of chunk data. Returns the bytes consumed (all part of the message);
    /// <paramref name="dataStart"/>/<paramref name="dataLength"/> give the chunk data among them (length 0 if none).
    /// </summary>
    public int Advance(ReadOnlySpan<byte> input, out int dataStart, out int dataLength)
    {
        dataStart = 0;
        dataLength = 0;
        var i = 0;
        while (i < input.Length)
        {
            var b = input[i];
            switch (_state)
            {
                case State.Size:
                    var hex = Hex(b);
                    if (hex >= 0)
                    {
                        if (++_digits > MaxSizeDigits) return Fail(i);
                        _remaining = (_remaining << 4) | (uint)hex;
                    }
                    else if (_digits == 0) return Fail(i);
                    else if (b == (byte)';') _state = State.Extension;
                    else if (b == (byte)'\r') _state = State.SizeLf;
                    else return Fail(i);
                    i++;
                    break;
                case State.Extension:
                    // Skip to the CR; a bare LF or control byte (other than HTAB) is invalid.
                    if (b == (byte)'\r') _state = State.SizeLf;
                    else if ((b < 0x20 && b != (byte)'\t') || b == 0x7F) return Fail(i);
                    i++;
                    break;
                case State.SizeLf:
                    if (b != (byte)'\n') return Fail(i);
                    i++;
                    _digits = 0;
                    _state = _remaining == 0 ? State.TrailerLineStart : State.Data;
                    break;
                case State.Data:
                    var take = (int)Math.Min(_remaining, input.Length - i);
                    dataStart = i;
                    dataLength = take;
                    _remaining -= take;
                    i += take;
                    if (_remaining == 0) _state = State.DataCr;
                    return i;
                case State.DataCr:
                    if (b != (byte)'\r') return Fail(i);
                    _state = State.DataLf;
                    i++;
                    break;
                case State.DataLf:
                    if (b != (byte)'\n') return Fail(i);
                    _state = State.Size;
                    i++;
                    break;
                case State.TrailerLineStart:
                    if (b == (byte)'\r') _state = State.FinalLf;
                    else if (b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)':') return Fail(i);
                    else _state = State.Trailer;
                    i++;
                    break;
                case State.Trailer:
                    if (b == (byte)'\r') _state = State.TrailerLf;
                    else if ((b < 0x20 && b != (byte)'\t') || b == 0x7F) return Fail(i);
                    i++;
                    break;
                case State.TrailerLf:
                    if (b != (byte)'\n') return Fail(i);
                    _state = State.TrailerLineStart;
                    i++;
                    break;
                case State.FinalLf:
                    if (b != (byte)'\n') return Fail(i);
                    _state = State.Done;
                    return i + 1;
                default:
                    return i;
            }
        }
        return i;
    }

    private int Fail(int at)
    {
        _state = State.Invalid;
        return at;
    }

    private static int Hex(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
