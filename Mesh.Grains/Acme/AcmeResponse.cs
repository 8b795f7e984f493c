namespace Mesh.Acme;

/// <summary>What the client keeps of an ACME response: the status, body, Location and Retry-After.</summary>
internal sealed record AcmeResponse(int Status, string Body, string? Location, TimeSpan? RetryAfter);
