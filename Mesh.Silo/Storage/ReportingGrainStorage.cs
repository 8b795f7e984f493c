using System.Net.Sockets;
using Mesh.Hosting;
using Orleans.Storage;
using StackExchange.Redis;

namespace Mesh.Silo.Storage;

/// <summary>
/// Wraps the mesh's grain storage (files or Redis) so that a state that is there but cannot be
/// read fails one grain loudly instead of its callers and the silo: the grain activates empty,
/// is reported once (<see cref="StateProblemReporter"/>), answers <c>state_unreadable</c> (the
/// call filter), and its stored state is never overwritten by the empty one. Failures to reach
/// the store (Redis down, a timeout) are not the state's fault and are thrown as they are.
/// </summary>
internal sealed class ReportingGrainStorage(IGrainStorage inner, StateProblemReporter reporter) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await inner.ReadStateAsync(stateName, grainId, grainState);
        }
        catch (Exception e) when (!IsUnreachable(e))
        {
            grainState.RecordExists = false;
            if (UnreadableStates.Rebuilt.Contains(grainId.Type.ToString()))
            {
                // Derived state starts afresh; with the stored ETag (when known) it can be overwritten.
                reporter.Rebuilding(grainId, Reason(e));
                grainState.ETag = (e as UnreadableStateException)?.ETag;
                return;
            }
            await reporter.ReportAsync(grainId, Reason(e));
            return;
        }
        if (!reporter.States.IsEmpty)
        {
            await reporter.ResolveAsync(grainId);
        }
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        reporter.States.TryGet(grainId, out var reason)
            ? throw UnreadableStates.Unavailable(grainId, reason)
            : inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        reporter.States.TryGet(grainId, out var reason)
            ? throw UnreadableStates.Unavailable(grainId, reason)
            : inner.ClearStateAsync(stateName, grainId, grainState);

    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    private static bool IsUnreachable(Exception e) =>
        e is RedisConnectionException or RedisTimeoutException or TimeoutException or SocketException or OperationCanceledException or ObjectDisposedException
        || (e.InnerException is not null && IsUnreachable(e.InnerException));

    /// <summary>One line, naming what failed but no content (a state can hold secrets).</summary>
    private static string Reason(Exception e)
    {
        var text = e is UnreadableStateException or Mesh.Domain.MeshException
            ? e.Message
            : $"{e.GetBaseException().GetType().Name}: {e.GetBaseException().Message}";
        text = text.Split('\n')[0].Trim();
        return text.Length <= 200 ? text : text[..200] + "…";
    }
}
