using System.Net;
using Mesh.Gateway.Connections;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Forwarding;

/// <summary>
/// Chooses the instance for a connection or request (DESIGN §4 step 4), for every path that
/// forwards: the TCP handler (through <see cref="UpstreamConnector"/>), the YARP HTTP path, and
/// any other caller that only needs an instance and a slot before it takes a pooled connection
/// or dials one itself. One call, <see cref="AcquireAsync"/>:
/// <list type="number">
/// <item>a place under the app's connection cap (and the client's, when the request names one);</item>
/// <item>the candidates in the picker's order (<see cref="GatewayState.Candidates"/>: healthy,
/// not ejected, under the hard limit, own region first, soft limit, least loaded), narrowed by
/// steering, the preferred instance first, instances this request already tried left out;</item>
/// <item>a load slot on the first candidate that has one;</item>
/// <item>when every candidate is at its hard limit, a wait in a bounded per-app queue
/// (<c>QueueLimit</c> waiters, <c>QueueTimeout</c> each) for any slot to free up, then
/// <see cref="ProxyError.Overloaded"/>.</item>
/// </list>
/// The <see cref="InstanceLease"/> holds the slot and the cap until disposed. After a failed
/// connect the caller calls <see cref="InstanceLease.Eject"/>, disposes the lease and asks again
/// with the same <see cref="UpstreamRequest"/> for the next candidate; when none is left the
/// answer is <see cref="ProxyError.ConnectFailed"/>.
/// </summary>
public sealed class UpstreamSelector(GatewayState state, AppConnectionLimiter limiter, GatewayMetrics metrics, IOptions<GatewayOptions> options, TimeProvider time)
{
    private readonly KeyedCounter _waiting = new();

    /// <summary>A lease on the best candidate for <paramref name="request"/>, or one that says why there is none; never throws but for cancellation.</summary>
    public ValueTask<InstanceLease> AcquireAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        var app = request.Route.AppName;
        var capped = limiter.TryEnter(app, request.Client);
        if (capped != ProxyError.None) return ValueTask.FromResult(InstanceLease.Failed(capped));
        var first = TryAcquire(request, out _);
        if (first is not null)
        {
            if (!first.Acquired) limiter.Exit(app, request.Client);
            return ValueTask.FromResult(first);
        }
        return QueueAsync(request, cancellationToken);
    }

    private async ValueTask<InstanceLease> QueueAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        var app = request.Route.AppName;
        var o = options.Value;
        InstanceLease? lease = null;
        var queued = false;
        try
        {
            if (!_waiting.TryEnter(app, o.QueueLimit)) return lease = InstanceLease.Failed(ProxyError.Overloaded);
            queued = true;
            // Seen on /status: how often the hard limit made a connection or request wait.
            metrics.Count("upstream.queued");
            var deadline = time.GetUtcNow() + o.QueueTimeout;
            while (true)
            {
                var remaining = deadline - time.GetUtcNow();
                if (remaining <= TimeSpan.Zero) return lease = InstanceLease.Failed(ProxyError.Overloaded);
                // Any slot freed (or the deadline): pick again.
                var released = state.Loads.SlotReleased;
                lease = TryAcquire(request, out _);
                if (lease is not null) return lease;
                await Task.WhenAny(released, Task.Delay(remaining, time, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            if (queued) _waiting.Exit(app);
            if (lease is not { Acquired: true }) limiter.Exit(app, request.Client);
        }
    }

    /// <summary>A lease, a final error, or null when every slot is taken (worth waiting for: <paramref name="atLimit"/>).</summary>
    private InstanceLease? TryAcquire(UpstreamRequest request, out bool atLimit)
    {
        var route = request.Route;
        var port = route.Service.InternalPort;
        var hardLimit = route.Service.Concurrency.HardLimit;
        var loads = state.Loads;
        var now = time.GetUtcNow().UtcTicks;
        atLimit = false;
        // A first attempt without a preferred instance takes the picker's first candidate: found in
        // one pass, nothing allocated. Only when its slot was taken meanwhile, or on a retry, or with
        // a preferred instance, are the candidates ordered in full.
        var whole = true;
        if (request.Attempts == 0 && request.PreferredInstance is null)
        {
            var first = state.FirstCandidate(route, request.Instances, options.Value.Region, now, request.PreferredRegions);
            if (first is not null)
            {
                var load = loads.For(first.Id, port);
                if (load.TryAcquire(hardLimit))
                {
                    request.MarkTried(first.Id);
                    return request.Lease(this, first, load);
                }
                atLimit = true;
            }
            else
            {
                whole = false;
            }
        }
        if (whole)
        {
            var candidates = state.Candidates(route, request.Instances, options.Value.Region, now, request.PreferredRegions);
            if (request.PreferredInstance is { } preferred) MoveToFront(candidates, preferred);
            foreach (var instance in candidates)
            {
                if (request.Tried(instance.Id)) continue;
                var load = loads.For(instance.Id, port);
                if (!load.TryAcquire(hardLimit))
                {
                    // Taken between the pick and now.
                    atLimit = true;
                    continue;
                }
                request.MarkTried(instance.Id);
                return request.Lease(this, instance, load);
            }
        }
        var routable = false;
        foreach (var instance in request.Instances)
        {
            if (!instance.IsRoutable) continue;
            routable = true;
            // The picker leaves out instances at their hard limit: a healthy one missing from the
            // candidates means the limit is full, which is not "no healthy instance".
            if (hardLimit is { } hard && !request.Tried(instance.Id) && !loads.IsEjected(instance.Id, port, now) && loads.InFlight(instance.Id, port) >= hard)
            {
                atLimit = true;
            }
        }
        if (!routable) return InstanceLease.Failed(ProxyError.NoHealthyInstance);
        if (atLimit) return null;
        return InstanceLease.Failed(request.Attempts > 0 ? ProxyError.ConnectFailed : ProxyError.NoHealthyInstance);
    }

    private static void MoveToFront(List<Mesh.Interfaces.Model.InstanceRoute> candidates, string instanceId)
    {
        var index = candidates.FindIndex(i => i.Id == instanceId);
        if (index <= 0) return;
        var preferred = candidates[index];
        candidates.RemoveAt(index);
        candidates.Insert(0, preferred);
    }

    internal void Eject(InstanceLoad load) => load.Eject(time.GetUtcNow().UtcTicks + options.Value.EjectionTime.Ticks);

    internal void Release(InstanceLoad load, string app, IPAddress? client)
    {
        state.Loads.Release(load);
        limiter.Exit(app, client);
    }
}
