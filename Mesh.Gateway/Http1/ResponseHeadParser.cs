using System.Text;

namespace Mesh.Gateway.Http1;

/// <summary>
/// A strict parser of an upstream HTTP/1.x response head (RFC 9112 §4, §5, §6): status line,
/// fields, empty line. Anything two parsers could read differently is invalid: obs-fold, bare LF
/// or CR, whitespace before the colon, bad field names, control bytes, Content-Length that is not
/// 1*DIGIT or appears twice with different values, Transfer-Encoding other than chunked, both
/// Transfer-Encoding and Content-Length. An invalid head is a 502 and the connection is discarded.
/// Pure: it parses the bytes it is given from the start each time more arrive.
/// </summary>
public static class ResponseHeadParser
{
    public const int MaxHeadBytes = 32768;

    public enum Result
    {
        Incomplete,
        Complete,
        Invalid,
    }

    public static Result Parse(ReadOnlySpan<byte> data, ResponseHead head, out string? error)
    {
        head.Reset();
        error = null;
        var lineEnd = FindLineEnd(data, 0, out var bad);
        if (bad) return Fail("bare CR or LF in the status line", out error);
        if (lineEnd < 0) return data.Length > MaxHeadBytes ? Fail("response head too large", out error) : Result.Incomplete;
        if (!StatusLine(data[..lineEnd], head)) return Fail("invalid status line", out error);
        var position = lineEnd + 2;
        var lengthSeen = false;
        while (true)
        {
            lineEnd = FindLineEnd(data, position, out bad);
            if (bad) return Fail("bare CR or LF in the response head", out error);
            if (lineEnd < 0) return data.Length > MaxHeadBytes ? Fail("response head too large", out error) : Result.Incomplete;
            if (lineEnd == position) break;
            var line = data[position..lineEnd];
            if (line[0] is (byte)' ' or (byte)'\t') return Fail("obs-fold in the response head", out error);
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || !ProxyHeaders.IsToken(line[..colon])) return Fail("invalid field name", out error);
            var value = line[(colon + 1)..];
            var leading = value.Length - value.TrimStart(" \t"u8).Length;
            value = value.Trim(" \t"u8);
            if (!ProxyHeaders.IsFieldValue(value)) return Fail("invalid field value", out error);
            if (head.Count >= ResponseHead.MaxFields) return Fail("too many fields", out error);
            if (head.Count == head.Fields.Length) Array.Resize(ref head.Fields, head.Fields.Length * 2);
            ref var f = ref head.Fields[head.Count];
            f.NameStart = position;
            f.NameLength = colon;
            f.ValueStart = position + colon + 1 + leading;
            f.ValueLength = value.Length;
            f.Kind = ProxyHeaders.Classify(line[..colon]);
            f.Dropped = false;
            switch (f.Kind)
            {
                case HeaderKind.ContentLength:
                    var n = ProxyHeaders.ParseLength(value);
                    if (n < 0) return Fail("invalid Content-Length", out error);
                    if (lengthSeen && n != head.ContentLength) return Fail("two different Content-Lengths", out error);
                    head.ContentLength = n;
                    lengthSeen = true;
                    f.Dropped = true;
                    break;
                case HeaderKind.TransferEncoding:
                    if (head.Chunked || !Ascii.EqualsIgnoreCase(value, "chunked"u8)) return Fail("Transfer-Encoding other than chunked", out error);
                    head.Chunked = true;
                    f.Dropped = true;
                    break;
                case HeaderKind.Connection:
                    f.Dropped = true;
                    var p = 0;
                    while (ProxyHeaders.NextToken(value, ref p, out var token))
                    {
                        if (Ascii.EqualsIgnoreCase(token, "close"u8)) head.ConnectionClose = true;
                        else if (Ascii.EqualsIgnoreCase(token, "keep-alive"u8)) head.KeepAlive = true;
                        else if (!ProxyHeaders.IsConnectionOption(token))
                        {
                            if (head.ConnectionNameCount == head.ConnectionNames.Length) Array.Resize(ref head.ConnectionNames, head.ConnectionNames.Length * 2);
                            // Offsets of the token inside data.
                            var start = f.ValueStart + (int)Unsafe(value, token);
                            head.ConnectionNames[head.ConnectionNameCount++] = new Range(start, start + token.Length);
                        }
                    }
                    break;
                case HeaderKind.Hop:
                case HeaderKind.Upgrade:
                    f.Dropped = true;
                    break;
                case HeaderKind.Replay:
                    head.ReplayIndex = head.Count;
                    break;
            }
            head.Count++;
            position = lineEnd + 2;
        }
        if (head.Chunked && lengthSeen) return Fail("both Transfer-Encoding and Content-Length", out error);
        head.Length = position + 2;
        // Headers the app's Connection names stay on its hop (RFC 9110 §7.6.1).
        for (var i = 0; i < head.ConnectionNameCount; i++)
        {
            var name = data[head.ConnectionNames[i]];
            for (var j = 0; j < head.Count; j++)
            {
                ref var f = ref head.Fields[j];
                if (f.NameLength == name.Length && Ascii.EqualsIgnoreCase(data.Slice(f.NameStart, f.NameLength), name)) f.Dropped = true;
            }
        }
        return Result.Complete;
    }

    /// <summary>The offset of <paramref name="inner"/> inside <paramref name="outer"/> (a slice of it).</summary>
    private static long Unsafe(ReadOnlySpan<byte> outer, ReadOnlySpan<byte> inner) =>
        System.Runtime.CompilerServices.Unsafe.ByteOffset(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(outer), ref System.Runtime.InteropServices.MemoryMarshal.GetReference(inner));

    /// <summary>The index of the CR of the next CRLF at or after <paramref name="from"/>, -1 if none yet; a bare CR or LF sets <paramref name="bad"/>.</summary>
    private static int FindLineEnd(ReadOnlySpan<byte> data, int from, out bool bad)
    {
        bad = false;
        var rest = data[from..];
        var i = rest.IndexOfAny((byte)'\r', (byte)'\n');
        if (i < 0) return -1;
        if (rest[i] == (byte)'\n')
        {
            bad = true;
            return -1;
        }
        if (i + 1 >= rest.Length) return -1;
        if (rest[i + 1] != (byte)'\n')
        {
            bad = true;
            return -1;
        }
        return from + i;
    }

    private static bool StatusLine(ReadOnlySpan<byte> line, ResponseHead head)
    {
        // HTTP/1.x SP 3DIGIT [SP reason]
        if (line.Length < 12 || !line[..7].SequenceEqual("HTTP/1."u8) || line[7] is not ((byte)'0' or (byte)'1') || line[8] != (byte)' ') return false;
        var d0 = line[9] - '0';
        var d1 = line[10] - '0';
        var d2 = line[11] - '0';
        if ((uint)d0 > 9 || (uint)d1 > 9 || (uint)d2 > 9 || d0 < 1 || d0 > 5) return false;
        head.Minor = line[7] - '0';
        head.Status = d0 * 100 + d1 * 10 + d2;
        if (line.Length == 12)
        {
            head.Reason = new Range(12, 12);
            return true;
        }
        if (line[12] != (byte)' ') return false;
        var reason = line[13..];
        if (!ProxyHeaders.IsFieldValue(reason)) return false;
        head.Reason = new Range(13, line.Length);
        return true;
    }

    private static Result Fail(string message, out string? error)
    {
        error = message;
        return Result.Invalid;
    }

    /// <summary>For tests and logs.</summary>
    public static string Describe(ReadOnlySpan<byte> data, in ResponseHead.Field f) =>
        Encoding.Latin1.GetString(data.Slice(f.NameStart, f.NameLength)) + ": " + Encoding.Latin1.GetString(data.Slice(f.ValueStart, f.ValueLength));
}
