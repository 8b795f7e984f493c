using Mesh.Domain.Config;

namespace Mesh.Domain.Tokens;

/// <summary>A token's lifetime, written as a Go duration ("720h", "30m"), as <c>mesh tokens create --expiry</c> takes it.</summary>
public static class TokenExpiry
{
    public static TimeSpan Parse(string text)
    {
        if (!FlyDuration.TryParse(text, out var value, out var error))
        {
            throw new MeshException("invalid_expiry", $"expiry: '{text}' {error}");
        }
        if (value <= TimeSpan.Zero)
        {
            throw new MeshException("invalid_expiry", $"expiry: '{text}' must be longer than zero");
        }
        return value;
    }
}
