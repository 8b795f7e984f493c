namespace Mesh.Gateway.Http1;

/// <summary>A request the fast path answers itself with a 4xx/5xx and then closes: bad framing, too large a head.</summary>
public sealed class Http1Refusal(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
