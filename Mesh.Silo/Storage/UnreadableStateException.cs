namespace Mesh.Silo.Storage;

/// <summary>
/// A stored state that is there but cannot be turned back into the grain's state (truncated,
/// corrupted, written by something else). Carries the stored ETag when one could be read, so a
/// grain whose state is rebuilt from elsewhere can overwrite it.
/// </summary>
internal sealed class UnreadableStateException(string reason, string? etag, Exception? inner = null) : Exception(reason, inner)
{
    public string? ETag { get; } = etag;
}
