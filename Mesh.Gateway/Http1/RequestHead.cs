using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http;
using KestrelMethod = Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.HttpMethod;
using KestrelVersion = Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.HttpVersion;

namespace Mesh.Gateway.Http1;

/// <summary>
/// One HTTP/1.x request head, parsed by Kestrel's own <see cref="HttpParser{TRequestHandler}"/>
/// (the only place the fast path touches it; its namespace says Internal, so its behaviour is
/// pinned by tests). The head's bytes are kept (start line, then every field as
/// <c>name: value\r\n</c>) so the request to the app is spliced from them, and the few fields the
/// proxy acts on are indexed. One instance per client connection, reset per request.
/// </summary>
public sealed class RequestHead : IHttpRequestLineHandler, IHttpHeadersHandler
{
    /// <summary>Kestrel's defaults (MaxRequestLineSize, MaxRequestHeadersTotalSize, MaxRequestHeaderCount).</summary>
    public const int MaxRequestLine = 8192;
    public const int MaxHeaderBytes = 32768;
    public const int MaxHeaderCount = 100;

    private static readonly HttpParser<RequestHead> Parser = new();

    private byte[] _bytes = new byte[2048];
    private int _length;
    private Field[] _fields = new Field[24];
    private int _methodLength;
    private int _targetStart;
    private int _targetLength;
    private int _hostIndex;

    public struct Field
    {
        public int NameStart;
        public int NameLength;
        public int ValueStart;
        public int ValueLength;
        public HeaderKind Kind;
        public bool Dropped;
    }

    public int Count { get; private set; }

    public KestrelMethod Method { get; private set; }

    public bool IsHttp11 { get; private set; }

    public int HostCount { get; private set; }

    public int ContentLengthCount { get; private set; }

    public int TransferEncodingCount { get; private set; }

    public bool HasSteering { get; private set; }

    public bool HasExpect { get; private set; }

    /// <summary><c>Expect: 100-continue</c> from an HTTP/1.1 client (RFC 9110 §10.1.1).</summary>
    public bool ExpectsContinue { get; private set; }

    public bool HasUpgrade { get; private set; }

    public bool HasForwardedPort { get; private set; }

    /// <summary>The client's Connection says close (or it is HTTP/1.0 without keep-alive).</summary>
    public bool WantsClose { get; private set; }

    public ReadOnlySpan<byte> MethodBytes => _bytes.AsSpan(0, _methodLength);

    public ReadOnlySpan<byte> Target => _bytes.AsSpan(_targetStart, _targetLength);

    public ref readonly Field this[int index] => ref _fields[index];

    public ReadOnlySpan<byte> Name(in Field f) => _bytes.AsSpan(f.NameStart, f.NameLength);

    public ReadOnlySpan<byte> Value(in Field f) => _bytes.AsSpan(f.ValueStart, f.ValueLength);

    /// <summary>The whole <c>name: value\r\n</c> line of a field, as it is written to the app.</summary>
    public ReadOnlySpan<byte> Line(in Field f) => _bytes.AsSpan(f.NameStart, f.ValueStart + f.ValueLength + 2 - f.NameStart);

    public ReadOnlySpan<byte> HostValue => _hostIndex < 0 ? default : Value(_fields[_hostIndex]);

    /// <summary>
    /// Parses the head at the start of <paramref name="buffer"/>. False when it is not complete yet
    /// (the caller reads more and parses again from the start: nothing is consumed, so a head can
    /// still be handed to Kestrel unread). Throws <see cref="Microsoft.AspNetCore.Http.BadHttpRequestException"/>
    /// (Kestrel's verdicts) or <see cref="Http1Refusal"/> (the gateway's) for a head to refuse.
    /// </summary>
    public bool TryParse(in ReadOnlySequence<byte> buffer, out SequencePosition end)
    {
        Reset();
        var reader = new SequenceReader<byte>(buffer);
        end = buffer.Start;
        if (!Parser.ParseRequestLine(this, ref reader))
        {
            if (buffer.Length > MaxRequestLine) throw new Http1Refusal(414, "the request line is too long");
            return false;
        }
        if (!Parser.ParseHeaders(this, ref reader))
        {
            if (buffer.Length > MaxRequestLine + MaxHeaderBytes) throw new Http1Refusal(431, "the request headers are too large");
            return false;
        }
        if (_length - _targetStart - _targetLength > MaxHeaderBytes) throw new Http1Refusal(431, "the request headers are too large");
        end = reader.Position;
        Finish();
        return true;
    }

    private void Reset()
    {
        _length = 0;
        Count = 0;
        _methodLength = _targetStart = _targetLength = 0;
        _hostIndex = -1;
        HostCount = ContentLengthCount = TransferEncodingCount = 0;
        HasSteering = HasExpect = ExpectsContinue = HasUpgrade = HasForwardedPort = WantsClose = false;
    }

    void IHttpRequestLineHandler.OnStartLine(HttpVersionAndMethod versionAndMethod, TargetOffsetPathLength targetPath, Span<byte> startLine)
    {
        Method = versionAndMethod.Method;
        IsHttp11 = versionAndMethod.Version == KestrelVersion.Http11;
        var methodEnd = startLine.IndexOf((byte)' ');
        var end = startLine.Length;
        if (end > 0 && startLine[end - 1] == (byte)'\r') end--;
        // The line may or may not end with " HTTP/1.x" here: the target ends before it.
        if (end - 9 >= targetPath.Offset && startLine[end - 9] == (byte)' ' && startLine.Slice(end - 8, 5).SequenceEqual("HTTP/"u8)) end -= 9;
        Append(startLine[..methodEnd]);
        _methodLength = methodEnd;
        _targetStart = _length;
        Append(startLine[targetPath.Offset..end]);
        _targetLength = end - targetPath.Offset;
    }

    void IHttpHeadersHandler.OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (Count >= MaxHeaderCount) throw new Http1Refusal(431, "too many request headers");
        if (!ProxyHeaders.IsToken(name)) throw new Http1Refusal(400, "invalid header name");
        if (!ProxyHeaders.IsFieldValue(value)) throw new Http1Refusal(400, "invalid character in a header value");
        if (Count == _fields.Length) Array.Resize(ref _fields, _fields.Length * 2);
        ref var f = ref _fields[Count];
        f.NameStart = _length;
        f.NameLength = name.Length;
        Append(name);
        Append(": "u8);
        f.ValueStart = _length;
        f.ValueLength = value.Length;
        Append(value);
        Append("\r\n"u8);
        f.Kind = ProxyHeaders.Classify(name);
        f.Dropped = ProxyHeaders.DroppedFromRequest(f.Kind);
        switch (f.Kind)
        {
            case HeaderKind.Host:
                HostCount++;
                _hostIndex = Count;
                break;
            case HeaderKind.ContentLength: ContentLengthCount++; break;
            case HeaderKind.TransferEncoding: TransferEncodingCount++; break;
            case HeaderKind.Steering: HasSteering = true; break;
            case HeaderKind.Expect:
                HasExpect = true;
                ExpectsContinue |= Ascii.EqualsIgnoreCase(value, "100-continue"u8);
                break;
            case HeaderKind.Upgrade: HasUpgrade = true; break;
            case HeaderKind.ForwardedPort: HasForwardedPort = true; break;
        }
        Count++;
    }

    void IHttpHeadersHandler.OnHeadersComplete(bool endStream)
    {
    }

    void IHttpHeadersHandler.OnStaticIndexedHeader(int index)
    {
    }

    void IHttpHeadersHandler.OnStaticIndexedHeader(int index, ReadOnlySpan<byte> value)
    {
    }

    /// <summary>Connection options: close/keep-alive, and the headers it names, which are this hop's only.</summary>
    private void Finish()
    {
        var keepAlive = false;
        var close = false;
        for (var i = 0; i < Count; i++)
        {
            if (_fields[i].Kind != HeaderKind.Connection) continue;
            var list = Value(_fields[i]);
            var position = 0;
            while (ProxyHeaders.NextToken(list, ref position, out var token))
            {
                if (Ascii.EqualsIgnoreCase(token, "close"u8)) close = true;
                else if (Ascii.EqualsIgnoreCase(token, "keep-alive"u8)) keepAlive = true;
                else if (!ProxyHeaders.IsConnectionOption(token)) DropNamed(token);
            }
        }
        WantsClose = close || (!IsHttp11 && !keepAlive);
        ExpectsContinue &= IsHttp11;
    }

    private void DropNamed(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < Count; i++)
        {
            if (Ascii.EqualsIgnoreCase(Name(_fields[i]), name)) _fields[i].Dropped = true;
        }
    }

    /// <summary>
    /// Why this request's framing or Host is refused (RFC 9112 §3.2, §6), or null. The raw values
    /// are seen here, so <c>Content-Length: +5</c> is refused, which Kestrel reads as 5.
    /// </summary>
    public string? Refusal(out long contentLength, out bool chunked)
    {
        contentLength = 0;
        chunked = false;
        if (HostCount > 1) return "more than one Host header";
        if (HostCount == 0 && IsHttp11) return "no Host header";
        if (HostCount == 1 && !IsValidHost(HostValue)) return "invalid Host header";
        if (ContentLengthCount > 1) return "more than one Content-Length";
        for (var i = 0; i < Count; i++)
        {
            ref readonly var f = ref _fields[i];
            if (f.Kind == HeaderKind.ContentLength)
            {
                contentLength = ProxyHeaders.ParseLength(Value(f));
                if (contentLength < 0) return "Content-Length is not a decimal number";
            }
            else if (f.Kind == HeaderKind.TransferEncoding)
            {
                if (!IsHttp11) return "Transfer-Encoding in an HTTP/1.0 request";
                if (!Ascii.EqualsIgnoreCase(Value(f), "chunked"u8)) return "Transfer-Encoding other than chunked";
                chunked = true;
            }
        }
        if (TransferEncodingCount > 1) return "Transfer-Encoding other than chunked";
        if (chunked && ContentLengthCount > 0) return "both Transfer-Encoding and Content-Length";
        if (IsAbsoluteForm && (AbsoluteAuthority.IndexOf((byte)'@') >= 0 || AbsoluteAuthority.IsEmpty)) return "invalid authority in the target";
        return null;
    }

    private static bool IsValidHost(ReadOnlySpan<byte> host)
    {
        foreach (var b in host)
        {
            if (b <= (byte)' ' || b >= 0x7F || b is (byte)'/' or (byte)'?' or (byte)'#' or (byte)'@' or (byte)'\\' or (byte)'"' or (byte)'<' or (byte)'>') return false;
        }
        return true;
    }

    public bool IsAsterisk => _targetLength == 1 && _bytes[_targetStart] == (byte)'*';

    /// <summary>An absolute-form target (RFC 9112 §3.2.2), which names the host instead of Host.</summary>
    public bool IsAbsoluteForm => _targetLength > 0 && _bytes[_targetStart] != (byte)'/' && SchemeLength > 0;

    private int SchemeLength
    {
        get
        {
            var t = Target;
            if (t.Length >= 7 && Ascii.EqualsIgnoreCase(t[..7], "http://"u8)) return 7;
            if (t.Length >= 8 && Ascii.EqualsIgnoreCase(t[..8], "https://"u8)) return 8;
            return 0;
        }
    }

    public ReadOnlySpan<byte> AbsoluteAuthority
    {
        get
        {
            var rest = Target[SchemeLength..];
            var end = rest.IndexOfAny("/?"u8);
            return end < 0 ? rest : rest[..end];
        }
    }

    /// <summary>The origin-form target the app gets: the target itself, or an absolute-form's path and query ("/" when empty).</summary>
    public ReadOnlySpan<byte> OriginTarget
    {
        get
        {
            if (!IsAbsoluteForm) return Target;
            var rest = Target[SchemeLength..];
            var end = rest.IndexOfAny("/?"u8);
            return end < 0 ? "/"u8 : rest[end..];
        }
    }

    /// <summary>The host to route on: an absolute-form target's authority, else Host.</summary>
    public ReadOnlySpan<byte> RoutingHost => IsAbsoluteForm ? AbsoluteAuthority : HostValue;

    /// <summary>A request header's value as a string (rare: steering, when present), all occurrences joined with ", ".</summary>
    public string? JoinedValue(HeaderKind kind, ReadOnlySpan<byte> name)
    {
        string? joined = null;
        for (var i = 0; i < Count; i++)
        {
            ref readonly var f = ref _fields[i];
            if (f.Kind != kind || (!name.IsEmpty && !Ascii.EqualsIgnoreCase(Name(f), name))) continue;
            var v = Encoding.Latin1.GetString(Value(f));
            joined = joined is null ? v : joined + ", " + v;
        }
        return joined;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + bytes.Length));
        bytes.CopyTo(_bytes.AsSpan(_length));
        _length += bytes.Length;
    }
}
