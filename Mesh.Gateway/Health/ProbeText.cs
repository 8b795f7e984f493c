using System.Net.Sockets;

namespace Mesh.Gateway.Health;

/// <summary>Short reasons for check results, as they appear in the gateway's log.</summary>
internal static class ProbeText
{
    public static string Duration(TimeSpan duration) => $"{duration.TotalSeconds:0.###}s";

    public static string Socket(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.ConnectionReset => "connection reset",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => "unreachable",
        SocketError.TimedOut => "connect timed out",
        _ => "connect failed: " + error,
    };

    public static string Http(HttpRequestException e) => e.InnerException switch
    {
        SocketException socket => Socket(socket.SocketErrorCode),
        // TLS failures say why in the inner exception ("… UntrustedRoot").
        { } inner when e.HttpRequestError == HttpRequestError.SecureConnectionError => "tls: " + inner.Message,
        _ => e.Message,
    };

    public static string Status(int code) => code switch
    {
        >= 200 and < 300 => $"status {code}",
        >= 300 and < 400 => $"status {code} (redirects are not followed)",
        _ => $"status {code}",
    };
}
