using Mesh.Domain;

namespace Mesh.Hosting;

/// <summary>
/// Answers every call to a grain whose state could not be read with the one-line
/// <c>state_unreadable</c> error, and deactivates it so the next call reads the state again: a
/// repaired file takes effect at once. A secret that fails to unseal inside a grain is the same
/// kind of problem and is reported the same way.
/// </summary>
internal sealed class UnreadableStateCallFilter(StateProblemReporter reporter) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (reporter.States.TryGet(context.TargetId, out var reason))
        {
            context.TargetContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "stored state unreadable"));
            return Task.FromException(UnreadableStates.Unavailable(context.TargetId, reason));
        }
        // Every grain call passes here: no async frame unless the call fails.
        var call = context.Invoke();
        return call.IsCompletedSuccessfully ? call : ObserveAsync(call, context);
    }

    private async Task ObserveAsync(Task call, IIncomingGrainCallContext context)
    {
        try
        {
            await call;
        }
        catch (MeshException e) when (e.Code == "secret_unseal_failed")
        {
            await reporter.ReportOnceAsync(context.TargetId, e.Message);
            throw UnreadableStates.Unavailable(context.TargetId, e.Message);
        }
    }
}
