using System.Collections.Frozen;
using System.Threading.Channels;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Health;

/// <summary>
/// Runs the health checks of the instances in this gateway's region and reports changes to the
/// control plane, whose delta then drops (or restores) the instance in every gateway's table.
/// Follows the table: each planned check runs in a loop of its own (first run at once, then
/// one interval after each run ends, so runs of one check never overlap); loops of checks that
/// are no longer planned are cancelled. Checks only report health: they never stop or restart
/// an instance.
/// <para>
/// Every gateway in a region runs the same checks. That is safe because reports are idempotent:
/// one is sent only when the verdict differs from the table (and was not sent already), and the
/// instance grain ignores a value it already has, so agreeing gateways send one report per change
/// between them, give or take a round trip (see <see cref="InstanceHealthTracker"/>).
/// </para>
/// </summary>
internal sealed partial class HealthCheckService(
    GatewayState state,
    IHealthProbe probe,
    IHealthReporter reporter,
    GatewayMetrics metrics,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<HealthCheckService> logger) : BackgroundService
{
    private readonly InstanceHealthTracker _tracker = new(time);
    // Only the table loop touches these two.
    private readonly Dictionary<string, CheckLoop> _loops = new(StringComparer.Ordinal);
    private readonly List<(string Key, CheckLoop Loop)> _stopping = [];
    // Swapped whole by the table loop; each check loop reads its newest settings here before a run.
    private volatile FrozenDictionary<string, HealthCheckTarget> _targets = FrozenDictionary<string, HealthCheckTarget>.Empty;
    private int _reportFailures;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.HealthChecks)
        {
            LogDisabled();
            return;
        }
        // A signal, not a queue: each wake-up plans from the newest table.
        var changed = Channel.CreateBounded<GatewayTable>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        void OnTableChanged(GatewayTable table) => changed.Writer.TryWrite(table);
        state.TableChanged += OnTableChanged;
        try
        {
            // Subscribed first, so a table published in between is not missed.
            Apply(stoppingToken);
            await foreach (var _ in changed.Reader.ReadAllAsync(stoppingToken))
            {
                Apply(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            state.TableChanged -= OnTableChanged;
            foreach (var (key, loop) in _loops) Retire(key, loop);
            _loops.Clear();
            await Task.WhenAll(_stopping.Select(s => s.Loop.Task)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach (var (_, loop) in _stopping) loop.Stop.Dispose();
        }
    }

    /// <summary>Plans the checks of the current table: new ones start, vanished ones are cancelled, the rest pick up new settings.</summary>
    private void Apply(CancellationToken stoppingToken)
    {
        var targets = HealthCheckPlanner.Plan(state.Table.Source, options.Value.Region);
        _targets = targets.ToFrozenDictionary(t => t.Key, StringComparer.Ordinal);
        _tracker.Track(targets);
        foreach (var (key, loop) in _loops.Where(l => !_targets.ContainsKey(l.Key)).ToList())
        {
            _loops.Remove(key);
            Retire(key, loop);
        }
        foreach (var (_, loop) in _stopping.Where(s => s.Loop.Task.IsCompleted).ToList())
        {
            loop.Stop.Dispose();
        }
        _stopping.RemoveAll(s => s.Loop.Task.IsCompleted);
        foreach (var target in targets.Where(t => !_loops.ContainsKey(t.Key)))
        {
            // A check that comes back while its old loop is still finishing a run waits for it.
            var previous = _stopping.Where(s => s.Key == target.Key).Select(s => s.Loop.Task).ToArray();
            var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            _loops[target.Key] = new CheckLoop(stop, Task.Run(() => RunAsync(target.Key, previous, stop.Token), CancellationToken.None));
        }
        if (targets.Count > 0 || _loops.Count > 0) LogPlanned(targets.Count, targets.Select(t => t.InstanceId).Distinct().Count(), state.Table.Version);
    }

    private void Retire(string key, CheckLoop loop)
    {
        loop.Stop.Cancel();
        _stopping.Add((key, loop));
    }

    private async Task RunAsync(string key, Task[] previous, CancellationToken stop)
    {
        await Task.WhenAll(previous).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            while (!stop.IsCancellationRequested && _targets.TryGetValue(key, out var target))
            {
                var result = await probe.RunAsync(target, stop);
                if (stop.IsCancellationRequested) return;
                metrics.HealthCheck(target.Kind, result.Passed);
                await ReportAsync(target, result, stop);
                await Task.Delay(target.Interval, time, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // A bug, not a check result: say so, and leave the instance's health as it is.
            LogLoopFailed(e, key);
        }
    }

    private async Task ReportAsync(HealthCheckTarget target, HealthCheckResult result, CancellationToken stop)
    {
        if (!state.Table.Source.Instances.TryGetValue(target.InstanceId, out var instance)) return;
        if (_tracker.Record(target, result, instance.Health) is not { } report) return;
        try
        {
            await reporter.ReportAsync(report.InstanceId, report.Health, stop);
            Interlocked.Exchange(ref _reportFailures, 0);
            metrics.Count("health.reported");
            LogHealth(report.InstanceId, report.App, report.Health == InstanceHealth.Passing ? "passing" : "critical", report.Check, report.Reason);
        }
        catch (Exception e)
        {
            _tracker.ReportFailed(report);
            if (e is OperationCanceledException && stop.IsCancellationRequested) throw;
            // Retried on the check's next result; logged once until a report gets through.
            if (Interlocked.Increment(ref _reportFailures) == 1) LogReportFailed(report.InstanceId, report.Health, e.GetType().Name, e.Message.Split('\n')[0]);
        }
    }

    private sealed record CheckLoop(CancellationTokenSource Stop, Task Task);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health {Instance} {App} {Health} ({Check}: {Reason})")]
    private partial void LogHealth(string instance, string app, string health, string check, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Health checks: {Checks} checks of {Instances} instances in this region (table version {Version})")]
    private partial void LogPlanned(int checks, int instances, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report {Instance} {Health} to the control plane ({Kind}: {Message}); retrying on the next result")]
    private partial void LogReportFailed(string instance, InstanceHealth health, string kind, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Health check loop {Key} failed")]
    private partial void LogLoopFailed(Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health checks are off (Mesh:Gateway:HealthChecks=false)")]
    private partial void LogDisabled();
}
