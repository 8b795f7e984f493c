using Mesh.Interfaces;
using Mesh.Tests.Infrastructure;
using Orleans.Hosting;

namespace Mesh.Tests.Grains;

/// <summary>
/// An in-process cluster that can hold one app's <c>Create</c> at the point where its catalogue
/// entry is written and its own state is not: the window a rebuilding route table can fall into.
/// </summary>
public sealed class CreateDuringRebuildCluster : InProcessCluster
{
    /// <summary>The app whose create is held; set by the test before it creates the app.</summary>
    public static string? HeldApp { get; set; }

    /// <summary>Completed when the held create has its catalogue entry.</summary>
    public static TaskCompletionSource Reached { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed by the test to let the held create go on.</summary>
    public static TaskCompletionSource Release { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        silo.AddOutgoingGrainCallFilter(async call =>
        {
            await call.Invoke();
            if (call.InterfaceMethod.Name == nameof(IAppCatalogGrain.Add) && call.SourceId?.Key.ToString() == HeldApp)
            {
                Reached.TrySetResult();
                await Release.Task;
            }
        });
    }
}
