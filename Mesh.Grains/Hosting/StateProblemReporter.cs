using Mesh.Interfaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Hosting;

/// <summary>
/// Makes an unreadable grain state loud once: one error line on this silo, one entry in the
/// cluster-wide <see cref="IStateProblemsGrain"/> list; and takes it back when the state reads again.
/// </summary>
public sealed partial class StateProblemReporter(UnreadableStates states, IServiceProvider services, ILogger<StateProblemReporter> logger)
{
    public UnreadableStates States => states;

    public async Task ReportAsync(GrainId grain, string reason)
    {
        if (!states.Mark(grain, reason))
        {
            return;
        }
        LogUnreadable(grain.ToString(), reason);
        // The list must not ask itself while it activates.
        if (grain.Type.ToString() == "stateproblems") return;
        try
        {
            await Problems.Report(grain.ToString(), reason);
        }
        catch (Exception e)
        {
            LogReportFailed(grain.ToString(), e.GetType().Name, e.Message.Split('\n')[0]);
        }
    }

    /// <summary>
    /// Reports a state that read but holds something unusable (a secret that does not unseal):
    /// once per grain on this silo. The grain is not blocked; only what needs the secret fails.
    /// </summary>
    public async Task ReportOnceAsync(GrainId grain, string reason)
    {
        if (!_reportedFromCalls.TryAdd(grain, reason)) return;
        LogUnreadable(grain.ToString(), reason);
        try
        {
            await Problems.Report(grain.ToString(), reason);
        }
        catch (Exception e)
        {
            LogReportFailed(grain.ToString(), e.GetType().Name, e.Message.Split('\n')[0]);
        }
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<GrainId, string> _reportedFromCalls = new();

    /// <summary>A derived state (<see cref="UnreadableStates.Rebuilt"/>) that could not be read and starts afresh.</summary>
    public void Rebuilding(GrainId grain, string reason) => LogRebuilding(grain.ToString(), reason);

    public async Task ResolveAsync(GrainId grain)
    {
        if (!states.Clear(grain))
        {
            return;
        }
        LogReadable(grain.ToString());
        try
        {
            await Problems.Resolve(grain.ToString());
        }
        catch (Exception e)
        {
            LogReportFailed(grain.ToString(), e.GetType().Name, e.Message.Split('\n')[0]);
        }
    }

    private IStateProblemsGrain Problems => services.GetRequiredService<IGrainFactory>().GetGrain<IStateProblemsGrain>(IStateProblemsGrain.Global);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stored state of {Grain} cannot be read ({Reason}); it is unavailable until the state is repaired or removed")]
    private partial void LogUnreadable(string grain, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stored state of {Grain} cannot be read ({Reason}); it is derived, so it starts afresh")]
    private partial void LogRebuilding(string grain, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored state of {Grain} reads again; it is available")]
    private partial void LogReadable(string grain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not update the state problem list for {Grain} ({Kind}: {Message})")]
    private partial void LogReportFailed(string grain, string kind, string message);
}
