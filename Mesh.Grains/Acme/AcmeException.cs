namespace Mesh.Acme;

/// <summary>
/// An ACME failure as the lifecycle needs it: the problem type (RFC 8555 §6.7, e.g.
/// <c>urn:ietf:params:acme:error:rateLimited</c>, or <c>connection</c> when the CA is
/// unreachable), a one-line message for <c>last_error</c>, and the CA's Retry-After if it sent one.
/// </summary>
public sealed class AcmeException(string type, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public string Type { get; } = type;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
