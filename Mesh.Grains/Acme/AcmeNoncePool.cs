using System.Collections.Concurrent;

namespace Mesh.Acme;

/// <summary>
/// Unused anti-replay nonces (RFC 8555 §6.5): every response's Replay-Nonce goes in, each
/// signed request takes one out. Empty means the client asks newNonce.
/// </summary>
internal sealed class AcmeNoncePool
{
    // A CA gives one nonce per response; a session rarely holds more than a few. The bound keeps a
    // long-lived session from hoarding nonces the CA has long expired.
    private const int Capacity = 16;

    private readonly ConcurrentQueue<string> _nonces = new();

    public void Add(string? nonce)
    {
        if (string.IsNullOrWhiteSpace(nonce)) return;
        _nonces.Enqueue(nonce);
        while (_nonces.Count > Capacity && _nonces.TryDequeue(out _))
        {
        }
    }

    public bool TryTake(out string nonce)
    {
        // The newest nonce is the least likely to have expired, but order hardly matters: a stale one is a badNonce, retried.
        if (_nonces.TryDequeue(out var n))
        {
            nonce = n;
            return true;
        }
        nonce = "";
        return false;
    }
}
