using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using Mesh.Domain;

namespace Mesh.Cli.Api;

/// <summary>
/// Turns a failure to talk to the API (no listener, TLS refused, no answer in time) into one line
/// that names the URL and says what to check, instead of a stack trace or a long wait.
/// </summary>
internal static class ApiFailure
{
    public static MeshException Unreachable(HttpRequestException e, ApiEndpoint endpoint, string? tlsProblem)
    {
        var reason = e.HttpRequestError switch
        {
            HttpRequestError.SecureConnectionError => $"TLS failed: {tlsProblem ?? InnermostMessage(e)}" +
                (endpoint.CaFile is null ? " (pass --ca FILE with the CA that issued the API's certificate)" : ""),
            HttpRequestError.NameResolutionError => $"cannot resolve {endpoint.Url.Host}",
            _ => SocketReason(e) ?? InnermostMessage(e),
        };
        var hint = e.HttpRequestError == HttpRequestError.SecureConnectionError ? "" : endpoint.Hint;
        return new MeshException("api_unreachable", OneLine.Of($"cannot reach the mesh API at {endpoint}: {reason}{hint}"));
    }

    public static MeshException ConnectTimeout(ApiEndpoint endpoint, TimeSpan timeout) =>
        new("api_unreachable", $"cannot reach the mesh API at {endpoint}: no connection within {timeout.TotalSeconds:0} s{endpoint.Hint}");

    public static MeshException NoAnswer(ApiEndpoint endpoint, TimeSpan timeout) =>
        new("api_timeout", $"the mesh API at {endpoint} did not answer within {timeout.TotalSeconds:0} s");

    public static MeshException BadAnswer(ApiEndpoint endpoint, string what) =>
        new("api_bad_response", OneLine.Of($"the mesh API at {endpoint} answered with something the CLI cannot read ({what}); is --api the mesh API?"));

    private static string? SocketReason(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is SocketException s)
            {
                return s.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.HostUnreachable or SocketError.NetworkUnreachable => "no route to the host",
                    SocketError.TimedOut => "connection timed out",
                    SocketError.ConnectionReset => "connection reset",
                    _ => s.Message,
                };
            }
            if (x is AuthenticationException a) return $"TLS failed: {a.Message}";
        }
        return null;
    }

    private static string InnermostMessage(Exception e)
    {
        var x = e;
        while (x.InnerException is not null) x = x.InnerException;
        return x.Message;
    }
}
