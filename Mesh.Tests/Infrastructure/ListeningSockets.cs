using System.Globalization;
using System.Net;

namespace Mesh.Tests.Infrastructure;

/// <summary>The TCP sockets a process listens on, read from /proc/net/tcp{,6} and the socket inodes among /proc/PID/fd.</summary>
internal static class ListeningSockets
{
    private const string Listen = "0A";

    public static IReadOnlyList<IPEndPoint> Of(int pid)
    {
        var inodes = new HashSet<string>();
        foreach (var fd in Directory.GetFiles($"/proc/{pid}/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    inodes.Add(target["socket:[".Length..^1]);
                }
            }
            catch (IOException)
            {
                // A descriptor closed while we read the directory.
            }
        }
        var found = new List<IPEndPoint>();
        foreach (var table in new[] { $"/proc/{pid}/net/tcp", $"/proc/{pid}/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 9 && f[3] == Listen && inodes.Contains(f[9])) found.Add(Parse(f[1]));
            }
        }
        return found;
    }

    public static bool IsLoopback(IPEndPoint endpoint) =>
        IPAddress.IsLoopback(endpoint.Address) || (endpoint.Address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(endpoint.Address.MapToIPv4()));

    // The kernel prints addresses as 32-bit words in host (little-endian) order.
    private static IPEndPoint Parse(string text)
    {
        var (hex, port) = (text[..text.IndexOf(':')], int.Parse(text[(text.IndexOf(':') + 1)..], NumberStyles.HexNumber));
        var bytes = Convert.FromHexString(hex);
        for (var i = 0; i < bytes.Length; i += 4) Array.Reverse(bytes, i, 4);
        return new IPEndPoint(new IPAddress(bytes), port);
    }
}
