using System.Globalization;
using System.Text;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// Takes one whole HTTP/1.1 message off the front of a byte buffer, framed by Content-Length or
/// chunked (RFC 9112 §6): the test apps' view of where a request ends. Only for what a proxy sends
/// them, which is well-formed; nothing here is lenient on purpose.
/// </summary>
internal static class HttpFraming
{
    public static bool TryTake(List<byte> pending, out string head, out byte[] body)
    {
        head = "";
        body = [];
        var bytes = pending.ToArray();
        var end = IndexOf(bytes, "\r\n\r\n"u8, 0);
        if (end < 0) return false;
        head = Encoding.ASCII.GetString(bytes, 0, end);
        var start = end + 4;
        var lines = head.Split("\r\n");
        string? Value(string name) => lines.Skip(1).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim();
        if (Value("Transfer-Encoding") is { } te && te.EndsWith("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var decoded = new List<byte>();
            var at = start;
            while (true)
            {
                var lineEnd = IndexOf(bytes, "\r\n"u8, at);
                if (lineEnd < 0) return false;
                var sizeText = Encoding.ASCII.GetString(bytes, at, lineEnd - at).Split(';')[0].Trim();
                var size = int.Parse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                at = lineEnd + 2;
                if (size == 0)
                {
                    // Trailers, then the blank line.
                    while (true)
                    {
                        var trailerEnd = IndexOf(bytes, "\r\n"u8, at);
                        if (trailerEnd < 0) return false;
                        var empty = trailerEnd == at;
                        at = trailerEnd + 2;
                        if (empty) break;
                    }
                    break;
                }
                if (bytes.Length < at + size + 2) return false;
                decoded.AddRange(bytes.AsSpan(at, size));
                at += size + 2;
            }
            body = [.. decoded];
            pending.RemoveRange(0, at);
            return true;
        }
        var length = Value("Content-Length") is { } cl ? int.Parse(cl, CultureInfo.InvariantCulture) : 0;
        if (bytes.Length < start + length) return false;
        body = bytes[start..(start + length)];
        pending.RemoveRange(0, start + length);
        return true;
    }

    private static int IndexOf(byte[] bytes, ReadOnlySpan<byte> what, int from)
    {
        var i = bytes.AsSpan(from).IndexOf(what);
        return i < 0 ? -1 : from + i;
    }
}
