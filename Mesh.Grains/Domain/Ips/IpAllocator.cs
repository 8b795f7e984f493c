using Mesh.Domain.Apps;
using Mesh.Interfaces.Model;

namespace Mesh.Domain.Ips;

/// <summary>
/// Hands out and takes back addresses over an <see cref="IpPoolState"/>. Pure: the caller
/// (the pool grain) serialises calls and persists the state.
/// </summary>
public sealed class IpAllocator
{
    private readonly IpPoolState _state;
    private readonly IpPrefix _v4;
    private readonly IpPrefix _v6;
    private readonly string _sharedV4;
    private readonly TimeProvider _time;

    public IpAllocator(IpPoolState state, IpPoolOptions options, TimeProvider time)
    {
        _state = state;
        _v4 = IpPrefix.Parse(options.DedicatedV4, $"{IpPoolOptions.Section}:DedicatedV4");
        _v6 = IpPrefix.Parse(options.DedicatedV6, $"{IpPoolOptions.Section}:DedicatedV6");
        _sharedV4 = options.SharedV4;
        _time = time;
    }

    public IpAssignment Allocate(string app, IpKind kind)
    {
        // A private address comes from its network's range, not from the public pools.
        if (kind == IpKind.PrivateV6) throw new ArgumentException("private addresses are allocated with AllocatePrivate", nameof(kind));
        var now = _time.GetUtcNow();
        if (kind == IpKind.SharedV4)
        {
            if (_state.SharedHolders.ContainsKey(app))
            {
                throw new MeshException("ip_exists", $"app '{app}' already has the shared IPv4 address {_sharedV4}");
            }
            var shared = new IpLedgerEntry(app, _sharedV4, kind, now, null);
            _state.SharedHolders[app] = shared;
            _state.Ledger.Add(shared);
            return ToAssignment(shared);
        }

        var (prefix, cursor) = kind == IpKind.V4 ? (_v4, _state.NextV4) : (_v6, _state.NextV6);
        for (long tried = 0; tried < prefix.Size; tried++)
        {
            var index = (cursor + tried) % prefix.Size;
            var address = prefix.At(index).ToString();
            if (_state.Dedicated.ContainsKey(address) || address == _sharedV4)
            {
                continue;
            }
            var entry = new IpLedgerEntry(app, address, kind, now, null);
            _state.Dedicated[address] = entry;
            _state.Ledger.Add(entry);
            if (kind == IpKind.V4) _state.NextV4 = (index + 1) % prefix.Size;
            else _state.NextV6 = (index + 1) % prefix.Size;
            return ToAssignment(entry);
        }
        var family = kind == IpKind.V4 ? "IPv4" : "IPv6";
        throw new MeshException("ip_pool_exhausted", $"no dedicated {family} address left in pool {prefix.Network}");
    }

    /// <summary>
    /// A Flycast address for the app in <paramref name="network"/>'s private network (its org's
    /// <see cref="PrivateAddresses.FlycastPrefix"/>), with that org's own cursor: addresses of
    /// different orgs never collide, since the org is part of the address.
    /// </summary>
    public IpAssignment AllocatePrivate(string app, string network)
    {
        var now = _time.GetUtcNow();
        var prefix = IpPrefix.Parse(PrivateAddresses.FlycastPrefix(network), "flycast");
        var cursor = _state.NextPrivateV6.GetValueOrDefault(network);
        // The range is 2^48 addresses: bound the search by what can be in use, plus one.
        var limit = Math.Min(prefix.Size, _state.Dedicated.Count + 1L);
        for (long tried = 0; tried < limit; tried++)
        {
            var index = (cursor + tried) % prefix.Size;
            var address = prefix.At(index).ToString();
            if (_state.Dedicated.ContainsKey(address)) continue;
            var entry = new IpLedgerEntry(app, address, IpKind.PrivateV6, now, null) { Network = network };
            _state.Dedicated[address] = entry;
            _state.Ledger.Add(entry);
            _state.NextPrivateV6[network] = (index + 1) % prefix.Size;
            return ToAssignment(entry);
        }
        throw new MeshException("ip_pool_exhausted", $"no private IPv6 address left in {prefix.Network}");
    }

    /// <summary>Releases an address the app holds; fails when it holds no such address.</summary>
    public IpLedgerEntry Release(string app, string address)
    {
        var now = _time.GetUtcNow();
        if (address == _sharedV4 && _state.SharedHolders.Remove(app, out var shared))
        {
            return Close(shared, now);
        }
        if (_state.Dedicated.TryGetValue(address, out var held) && held.App == app)
        {
            _state.Dedicated.Remove(address);
            return Close(held, now);
        }
        throw new MeshException("ip_not_held", $"app '{app}' does not hold the address {address}");
    }

    public IReadOnlyList<IpLedgerEntry> ReleaseAll(string app)
    {
        var released = new List<IpLedgerEntry>();
        foreach (var address in Held(app).Select(a => a.Address).ToList())
        {
            released.Add(Release(app, address));
        }
        _state.OrgOfApp.Remove(app);
        return released;
    }

    /// <summary>Dedicated IPv4 addresses the org's apps hold now (apps allocated before orgs were recorded count for none).</summary>
    public int DedicatedV4Of(string org) =>
        _state.Dedicated.Values.Count(e => e.Kind == IpKind.V4 && _state.OrgOfApp.GetValueOrDefault(e.App) == org);

    /// <summary>Records which org an app belongs to, for <see cref="DedicatedV4Of"/>.</summary>
    public void SetOrg(string app, string org) => _state.OrgOfApp[app] = org;

    public IReadOnlyList<IpAssignment> Held(string app)
    {
        var held = _state.Dedicated.Values.Where(e => e.App == app).Select(ToAssignment).ToList();
        if (_state.SharedHolders.TryGetValue(app, out var shared))
        {
            held.Add(ToAssignment(shared));
        }
        return held.OrderBy(a => a.AllocatedAt).ThenBy(a => a.Address, StringComparer.Ordinal).ToList();
    }

    public IpPoolUsage Usage() => new(
        _state.Dedicated.Values.Count(e => e.Kind == IpKind.V4),
        _v4.Size,
        _state.Dedicated.Values.Count(e => e.Kind == IpKind.V6),
        _state.SharedHolders.Count,
        _sharedV4);

    private IpLedgerEntry Close(IpLedgerEntry open, DateTimeOffset now)
    {
        var closed = open with { ReleasedAt = now };
        var index = _state.Ledger.FindLastIndex(e => e == open);
        if (index >= 0)
        {
            _state.Ledger[index] = closed;
        }
        return closed;
    }

    private static IpAssignment ToAssignment(IpLedgerEntry e) =>
        new(e.Address, e.Kind, "global", e.AllocatedAt) { Network = e.Network };
}
