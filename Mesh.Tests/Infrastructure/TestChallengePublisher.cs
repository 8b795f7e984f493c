using System.Collections.Concurrent;
using Mesh.Acme;
using Mesh.Interfaces.Model;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// An <see cref="IAcmeChallengePublisher"/> that keeps the challenges in the test, where the
/// test's own responders (<see cref="Http01Responder"/>, <see cref="TlsAlpn01Responder"/>)
/// answer them, and records what was published and withdrawn.
/// </summary>
internal sealed class TestChallengePublisher : IAcmeChallengePublisher
{
    private readonly ConcurrentDictionary<string, AcmeChallengeRoute> _open = new(StringComparer.OrdinalIgnoreCase);

    public ConcurrentQueue<AcmeChallengeRoute> Published { get; } = new();

    public ConcurrentQueue<string> Withdrawn { get; } = new();

    public IReadOnlyCollection<AcmeChallengeRoute> Open => [.. _open.Values];

    public AcmeChallengeRoute? Find(string hostname) => _open.TryGetValue(hostname, out var route) ? route : null;

    public Task PublishAsync(AcmeChallengeRoute challenge)
    {
        _open[challenge.Hostname] = challenge;
        Published.Enqueue(challenge);
        return Task.CompletedTask;
    }

    public Task WithdrawAsync(string hostname)
    {
        _open.TryRemove(hostname, out _);
        Withdrawn.Enqueue(hostname);
        return Task.CompletedTask;
    }
}
