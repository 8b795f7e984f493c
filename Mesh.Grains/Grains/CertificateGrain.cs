using Mesh.Acme;
using Mesh.Certificates;
using Mesh.Domain;
using Mesh.Domain.Certificates;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Mesh.Grains;

/// <summary>
/// The thin shell around <see cref="CertificateLifecycle"/> for one hostname: it sleeps until the
/// lifecycle's next step is due (a grain timer), runs it (DNS check, issuance), and stores the
/// result. Reentrant so that status queries are answered while an order takes its time: the one
/// background loop (<see cref="_work"/>) is the only writer of the lifecycle's progress, and
/// everything runs on the grain's single-threaded scheduler.
/// </summary>
[Reentrant]
internal sealed class CertificateGrain(
    [PersistentState("certificate", MeshStorage.Name)] IPersistentState<CertificateGrainState> state,
    TimeProvider time,
    IAcmeIssuer issuer,
    OwnershipResolver resolver,
    CertificateMetrics metrics,
    IOptions<CertificateLifecycleOptions> lifecycleOptions,
    AcmeOptions acmeOptions,
    ILogger<CertificateGrain> logger) : Grain, ICertificateGrain
{
    // Timers cannot wait longer than ~49 days; a far renewal is re-armed on the way.
    private static readonly TimeSpan LongestSleep = TimeSpan.FromDays(1);

    private readonly SemaphoreSlim _writes = new(1, 1);
    private Task _work = Task.CompletedTask;
    private Task _firstStep = Task.CompletedTask;
    private CancellationTokenSource _abandon = new();
    private IGrainTimer? _timer;

    private string Host => this.GetPrimaryKeyString();
    private CertificateLifecycle? L => state.State.Lifecycle;
    private CertificateLifecycleOptions Timings => lifecycleOptions.Value;
    private IAppGrain App => GrainFactory.GetGrain<IAppGrain>(state.State.App!);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Arm();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _abandon.Cancel();
        return Task.CompletedTask;
    }

    public async Task Track(string app, bool ownershipVerified)
    {
        var now = time.GetUtcNow();
        if (state.State.App != app || L is null)
        {
            Abandon();
            state.State = new CertificateGrainState { App = app, Lifecycle = CertificateLifecycle.Start(ownershipVerified, now) };
        }
        else
        {
            // The same app replaced its certificate: re-evaluate now (an imported pair becomes ready at once).
            var lifecycle = ownershipVerified && !L.OwnershipVerified ? L.OwnershipChecked(true, null, now, Timings, Random.Shared.NextDouble()) : L;
            state.State.Lifecycle = lifecycle with { Status = lifecycle.OwnershipVerified ? CertificateStatus.Pending : lifecycle.Status, NextAttempt = now };
        }
        await SaveAsync();
        _ = Kick();
    }

    public async Task Forget(string app)
    {
        if (state.State.App != app)
        {
            return;
        }
        Abandon();
        metrics.Forget(Host);
        await state.ClearStateAsync();
        state.State = new CertificateGrainState();
        DeactivateOnIdle();
    }

    public async Task<CertificateDetails> Check(string app)
    {
        EnsureHeldBy(app);
        state.State.Lifecycle = L!.CheckRequested(time.GetUtcNow());
        await Kick();
        return await DetailsAsync(lookUp: false);
    }

    public async Task<CertificateDetails> Renew(string app)
    {
        EnsureHeldBy(app);
        if (!_work.IsCompleted && L!.Status is CertificateStatus.Pending or CertificateStatus.Renewing)
        {
            return await DetailsAsync(lookUp: false);
        }
        state.State.Lifecycle = L!.RenewRequested(time.GetUtcNow());
        await SaveAsync();
        _ = Kick();
        return await DetailsAsync(lookUp: false);
    }

    public Task<CertificateDetails> Show(string app, bool lookUp)
    {
        EnsureHeldBy(app);
        return DetailsAsync(lookUp);
    }

    public Task<CertificateLifecycleInfo?> GetLifecycle() => Task.FromResult(L is { } l
        ? new CertificateLifecycleInfo(Host, l.Status, l.OwnershipVerified, l.LastError, l.Status == CertificateStatus.Ready ? null : l.NextAttempt)
        : null);

    public Task Wake() => Task.CompletedTask;

    /// <summary>Starts the step loop unless it runs; the returned task completes after its first step (the ownership check, when that is due).</summary>
    private Task Kick()
    {
        if (!_work.IsCompleted)
        {
            return _firstStep;
        }
        var first = new TaskCompletionSource();
        _firstStep = first.Task;
        _work = RunAsync(first, _abandon.Token);
        return _firstStep;
    }

    private async Task RunAsync(TaskCompletionSource first, CancellationToken cancellation)
    {
        try
        {
            while (!cancellation.IsCancellationRequested && L is { } lifecycle && state.State.App is not null)
            {
                var action = lifecycle.Due(time.GetUtcNow());
                if (action == LifecycleAction.CheckOwnership)
                {
                    await CheckOwnershipAsync(cancellation);
                    first.TrySetResult();
                }
                else if (action == LifecycleAction.Issue)
                {
                    first.TrySetResult();
                    await IssueAsync(cancellation);
                }
                else
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A step that cannot even record its failure (storage down): the timer tries again.
            logger.LogWarning("certificate {Host}: {Error}", Host, e.Message);
        }
        finally
        {
            first.TrySetResult();
            Arm();
        }
    }

    private async Task CheckOwnershipAsync(CancellationToken cancellation)
    {
        var target = await App.GetCertificateTarget(Host);
        if (cancellation.IsCancellationRequested) return;
        if (target is null)
        {
            await ForgetStaleAsync();
            return;
        }
        var seen = await resolver.LookUpAsync(Host, cancellation);
        if (cancellation.IsCancellationRequested) return;
        var (verified, reason) = OwnershipCheck.Evaluate(Host, target, acmeOptions.AppDomain, seen);
        if (verified)
        {
            try
            {
                await GrainFactory.GetGrain<IAppCatalogGrain>(IAppCatalogGrain.Global).VerifyHostname(Host, target.App);
                await App.MarkOwnershipVerified(Host);
            }
            catch (MeshException e)
            {
                (verified, reason) = (false, e.Message);
                metrics.Failed(e.Code);
            }
        }
        if (cancellation.IsCancellationRequested) return;
        state.State.LastSeen = seen;
        state.State.Lifecycle = L!.OwnershipChecked(verified, reason, time.GetUtcNow(), Timings, Random.Shared.NextDouble());
        await SaveAsync();
    }

    private async Task IssueAsync(CancellationToken cancellation)
    {
        var target = await App.GetCertificateTarget(Host);
        if (cancellation.IsCancellationRequested) return;
        if (target?.Current is not { } current)
        {
            await ForgetStaleAsync();
            return;
        }
        var renewal = L!.HasIssued;
        state.State.Lifecycle = L.Issuing();
        try
        {
            CertificateInfo info;
            if (current.Source == CertificateSource.Imported)
            {
                // Its owner renews an imported certificate; it is ready as it is.
                info = current;
            }
            else if (issuer.Enabled)
            {
                if (target.ChallengeTypes.IsEmpty)
                {
                    throw new AcmeException(AcmeProblem.NoChallenge, $"app {target.App} serves neither TLS on 443 nor HTTP on 80 on its addresses, so no gateway can answer an ACME challenge");
                }
                logger.LogInformation("certificate {Host}: ordering from the ACME CA ({Challenges})", Host, string.Join(", ", target.ChallengeTypes));
                var result = await issuer.IssueAsync(Host, target.ChallengeTypes, new AppChallengePublisher(App, GrainFactory.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global), lifecycleOptions.Value.ChallengePropagation), cancellation);
                info = await App.InstallCertificate(Host, result.ChainPem, result.KeyPem, CertificateSource.Acme);
                state.State.Challenge = result.ChallengeType;
                metrics.Issued(Host, renewal, info.NotAfter);
            }
            else if (renewal)
            {
                info = await App.InstallCertificate(Host, null, null, CertificateSource.SelfSigned);
                metrics.Issued(Host, renewal, info.NotAfter);
            }
            else
            {
                info = current;
            }
            await App.MarkOwnershipVerified(Host);
            metrics.Serving(Host, info.NotAfter);
            var renewable = info.Source != CertificateSource.Imported;
            if (cancellation.IsCancellationRequested) return;
            state.State.Lifecycle = L.Issued(info.NotBefore, info.NotAfter, renewable, Random.Shared.NextDouble());
        }
        catch (Exception) when (cancellation.IsCancellationRequested)
        {
            return;
        }
        catch (AcmeException e)
        {
            metrics.Failed(ShortReason(e.Type));
            logger.LogWarning("certificate {Host}: issuance failed: {Error}", Host, e.Message);
            state.State.Lifecycle = L.IssueFailed(e.Message, e.RetryAfter, time.GetUtcNow(), Timings, Random.Shared.NextDouble());
        }
        catch (MeshException e)
        {
            metrics.Failed(e.Code);
            state.State.Lifecycle = L.IssueFailed(e.Message, null, time.GetUtcNow(), Timings, Random.Shared.NextDouble());
        }
        catch (Exception e)
        {
            metrics.Failed("internal");
            logger.LogWarning(e, "certificate {Host}: issuance failed", Host);
            state.State.Lifecycle = L.IssueFailed(e.Message, null, time.GetUtcNow(), Timings, Random.Shared.NextDouble());
        }
        await SaveAsync();
    }

    private async Task<CertificateDetails> DetailsAsync(bool lookUp)
    {
        var lifecycle = L!;
        var target = await App.GetCertificateTarget(Host)
            ?? throw new MeshException("certificate_not_found", $"app '{state.State.App}' has no certificate for {Host}");
        var current = target.Current!;
        var seen = lookUp ? await resolver.LookUpAsync(Host) : state.State.LastSeen;
        return new CertificateDetails(
            Host,
            target.App,
            lifecycle.Status,
            current.Source ?? (current.SelfSigned ? CertificateSource.SelfSigned : CertificateSource.Imported),
            lifecycle.OwnershipVerified,
            current.Subject,
            current.Issuer,
            current.NotBefore,
            current.NotAfter,
            current.Sans,
            current.Sha256Fingerprint,
            current.SelfSigned,
            current.AddedAt,
            OwnershipCheck.Expected(Host, target, acmeOptions.AppDomain),
            seen,
            state.State.Challenge,
            lifecycle.LastError,
            lifecycle.Status == CertificateStatus.Ready ? null : lifecycle.NextAttempt,
            lifecycle.RenewAt);
    }

    /// <summary>Sleeps until the next step; a pending step keeps the grain active, a far renewal lets it go (the silo's wake-up brings it back).</summary>
    private void Arm()
    {
        _timer?.Dispose();
        _timer = null;
        if (L?.WakeAt is not { } at || state.State.App is null)
        {
            return;
        }
        var due = at - time.GetUtcNow();
        due = due < TimeSpan.Zero ? TimeSpan.Zero : due > LongestSleep ? LongestSleep : due;
        _timer = this.RegisterGrainTimer(
            () => { _ = Kick(); return Task.CompletedTask; },
            new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = L.Status != CertificateStatus.Ready });
    }

    /// <summary>
    /// Stops the running loop without waiting for it: it may be waiting on the very app grain
    /// that called us. It sees the cancellation after its await and leaves the state alone.
    /// </summary>
    private void Abandon()
    {
        _abandon.Cancel();
        _abandon = new CancellationTokenSource();
        _work = Task.CompletedTask;
        _timer?.Dispose();
        _timer = null;
    }

    private async Task ForgetStaleAsync()
    {
        metrics.Forget(Host);
        state.State = new CertificateGrainState();
        await SaveAsync();
    }

    private void EnsureHeldBy(string app)
    {
        if (state.State.App != app || L is null)
        {
            throw new MeshException("certificate_not_found", $"app '{app}' has no certificate for {Host}");
        }
    }

    // Interleaved calls must not write concurrently (the storage's etag would refuse the second).
    private async Task SaveAsync()
    {
        await _writes.WaitAsync();
        try
        {
            await state.WriteStateAsync();
        }
        finally
        {
            _writes.Release();
        }
    }

    private static string ShortReason(string type) => type.StartsWith("urn:ietf:params:acme:error:", StringComparison.Ordinal) ? type[27..] : type;
}
