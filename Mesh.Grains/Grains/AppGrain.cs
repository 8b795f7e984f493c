using System.Collections.Immutable;
using Mesh.Domain;
using Mesh.Domain.Apps;
using Mesh.Domain.Certificates;
using Mesh.Domain.Config;
using Mesh.Domain.Ips;
using Mesh.Domain.Quotas;
using Mesh.Domain.Regions;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Security;

namespace Mesh.Grains;

/// <summary>
/// An app. It owns its config, addresses and certificates and keeps a copy of its instances'
/// routes; after every change it publishes its part of the route table before answering, so a
/// caller that sees the call complete knows gateways are being told.
/// </summary>
internal sealed class AppGrain(
    [PersistentState("app", MeshStorage.Name)] IPersistentState<AppState> state,
    TimeProvider time,
    SecretSealer sealer) : Grain, IAppGrain
{
    // Challenges live only as long as the order that needs them (seconds); an order outliving
    // this activation fails and is retried, so they are not stored.
    private readonly List<AcmeChallengeRoute> _challenges = [];
    // True while Create waits between the catalogue entry and the app's own state.
    private bool _creating;

    private string Name => this.GetPrimaryKeyString();
    private AppState S => state.State;
    private IRouteTableGrain RouteTable => GrainFactory.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global);
    private IIpPoolGrain Pool => GrainFactory.GetGrain<IIpPoolGrain>("default");
    private IAppCatalogGrain Catalog => GrainFactory.GetGrain<IAppCatalogGrain>(IAppCatalogGrain.Global);
    private IOrgUsageGrain Usage => GrainFactory.GetGrain<IOrgUsageGrain>(S.Org);

    public async Task<AppInfo> Create(string org)
    {
        AppNames.Validate(Name);
        AppNames.Validate(org, "org name");
        if (S.Exists)
        {
            throw new MeshException("app_exists", $"app '{Name}' already exists");
        }
        var createdAt = time.GetUtcNow();
        // The catalogue counts the org's apps (quota) before the app exists; meanwhile a
        // rebuilding route table must see the app as being created, not as lost (Presence).
        _creating = true;
        try
        {
            await Catalog.Add(new AppSummary(Name, org, createdAt));
            state.State = new AppState { Exists = true, Org = org, CreatedAt = createdAt };
            await state.WriteStateAsync();
        }
        catch
        {
            // Not stored, so not created: the next call must not find it half there.
            state.State = new AppState();
            throw;
        }
        finally
        {
            _creating = false;
        }
        await PublishAsync();
        return Info();
    }

    public async Task Destroy()
    {
        EnsureExists();
        await Pool.ReleaseAll(Name);
        await Task.WhenAll(S.Certificates.Keys.Select(host => GrainFactory.GetGrain<ICertificateGrain>(host).Forget(Name)));
        await Task.WhenAll(S.Instances.Keys.Select(id => GrainFactory.GetGrain<IInstanceGrain>(id).Deregister()));
        await Usage.ReleaseApp(Name);
        await Catalog.Remove(Name);
        await RouteTable.RemoveApp(Name);
        await state.ClearStateAsync();
        state.State = new AppState();
        DeactivateOnIdle();
    }

    public Task<AppInfo?> GetInfo() => Task.FromResult(S.Exists ? Info() : null);

    public async Task<DeployResult> Deploy(string flyToml)
    {
        EnsureExists();
        var loaded = FlyToml.Load(flyToml);
        var (config, readWarnings) = loaded;
        var warnings = readWarnings.ToList();
        if (!string.IsNullOrEmpty(config.AppName) && config.AppName != Name)
        {
            warnings.Add($"app: the file names app '{config.AppName}'; deploying it to '{Name}'");
        }
        if (config.PrimaryRegion is { Length: > 0 } primary && RegionCatalog.Find(primary) is null)
        {
            warnings.Add($"primary_region: unknown region '{primary}'");
        }

        var newIps = new List<IpAssignment>();
        if (!S.IpsProvisioned && S.Ips.Count == 0)
        {
            foreach (var kind in IpRules.FirstDeploy(config))
            {
                newIps.Add(await Pool.Allocate(Name, kind, S.Org));
            }
        }
        S.IpsProvisioned |= config.HasPublicService;
        S.Ips.AddRange(newIps);
        if (!S.Ips.Any(i => i.Kind == IpKind.V4))
        {
            warnings.AddRange(SharedV4Ports.Unserved(config).Select(u => SharedV4Ports.Warning(u.Port, u.Config)));
            warnings.AddRange(UdpServices.WarningsWithoutDedicatedV4(config, loaded.ServicePaths));
        }
        S.Config = config;
        S.ConfigText = flyToml;
        S.Release++;
        await state.WriteStateAsync();
        await PublishAsync();
        return new DeployResult(Name, S.Release, [.. warnings], [.. newIps], config.Services);
    }

    public Task<string?> GetConfigText() => Task.FromResult(S.Exists ? S.ConfigText : null);

    public Task<ImmutableArray<IpAssignment>> ListIps()
    {
        EnsureExists();
        return Task.FromResult(S.Ips.ToImmutableArray());
    }

    public async Task<IpAssignment> AllocateIp(IpKind kind)
    {
        EnsureExists();
        if (kind == IpKind.PrivateV6) return await AllocatePrivateIp(S.Org);
        if (kind == IpKind.SharedV4 && S.Ips.Any(i => i.Kind == IpKind.V4))
        {
            throw new MeshException("ip_conflict", $"app '{Name}' has a dedicated IPv4 address; release it before allocating a shared one");
        }
        var ip = await Pool.Allocate(Name, kind, S.Org);
        S.Ips.Add(ip);
        await state.WriteStateAsync();
        await PublishAsync();
        return ip;
    }

    public async Task<IpAssignment> AllocatePrivateIp(string network)
    {
        EnsureExists();
        AppNames.Validate(network, "org name");
        // One per network: APP.flycast names one address in each org that can reach the app.
        if (S.Ips.FirstOrDefault(i => i.Kind == IpKind.PrivateV6 && (i.Network ?? S.Org) == network) is { } held)
        {
            throw new MeshException("ip_exists", $"app '{Name}' already has the private address {held.Address} in org '{network}''s network");
        }
        var ip = await Pool.AllocatePrivate(Name, S.Org, network);
        S.Ips.Add(ip);
        await state.WriteStateAsync();
        await PublishAsync();
        return ip;
    }

    public async Task ReleaseIp(string address)
    {
        EnsureExists();
        var held = S.Ips.FirstOrDefault(i => string.Equals(i.Address, Normalize(address), StringComparison.OrdinalIgnoreCase))
            ?? throw new MeshException("ip_not_held", $"app '{Name}' does not hold the address {address}");
        await Pool.Release(Name, held.Address);
        S.Ips.Remove(held);
        await state.WriteStateAsync();
        await PublishAsync();
    }

    public Task<CertificateInfo> AddCertificate(string hostname, string? certificatePem, string? keyPem) =>
        AddCertificateAsync(hostname, certificatePem, keyPem, ownershipVerified: false);

    public Task<CertificateInfo> AddCertificateSkippingOwnershipCheck(string hostname, string? certificatePem, string? keyPem) =>
        AddCertificateAsync(hostname, certificatePem, keyPem, ownershipVerified: true);

    private async Task<CertificateInfo> AddCertificateAsync(string hostname, string? certificatePem, string? keyPem, bool ownershipVerified)
    {
        EnsureExists();
        var host = Hostnames.Normalize(hostname);
        if ((certificatePem is null) != (keyPem is null))
        {
            throw new MeshException("certificate_invalid", "give both a certificate and its key, or neither for a self-signed certificate");
        }
        var now = time.GetUtcNow();
        if (certificatePem is null || keyPem is null)
        {
            if (host.StartsWith("*.", StringComparison.Ordinal))
            {
                throw new MeshException("certificate_invalid", $"a wildcard hostname ({host}) needs a certificate and key; none can be generated for it");
            }
            (certificatePem, keyPem) = CertificateFactory.CreateSelfSigned(host, now);
        }
        var info = CertificateFactory.Inspect(host, certificatePem, keyPem, now);
        await Usage.Take(QuotaKind.Certificates, host, Name);
        try
        {
            await Catalog.ClaimHostname(host, Name, S.Org, ownershipVerified);
        }
        catch (MeshException) when (!S.Certificates.ContainsKey(host))
        {
            await Usage.Release(QuotaKind.Certificates, host);
            throw;
        }
        // Replacing the certificate of a hostname already shown to be the app's keeps it routing.
        var awaiting = !ownershipVerified && (!S.Certificates.TryGetValue(host, out var previous) || previous.AwaitingOwnership);
        S.Certificates[host] = new StoredCertificate(info, certificatePem, sealer.Seal(keyPem), awaiting);
        await state.WriteStateAsync();
        await PublishAsync();
        await GrainFactory.GetGrain<ICertificateGrain>(host).Track(Name, !awaiting);
        return info;
    }

    public Task<CertificateInfo?> GetCertificate(string hostname) =>
        Task.FromResult(S.Exists && S.Certificates.TryGetValue(hostname.ToLowerInvariant(), out var c) ? c.Info : null);

    public Task<ImmutableArray<CertificateInfo>> ListCertificates()
    {
        EnsureExists();
        return Task.FromResult(S.Certificates.Values.Select(c => c.Info).OrderBy(c => c.Hostname, StringComparer.Ordinal).ToImmutableArray());
    }

    public async Task RemoveCertificate(string hostname)
    {
        EnsureExists();
        var host = Hostnames.Normalize(hostname);
        if (!S.Certificates.Remove(host))
        {
            throw new MeshException("certificate_not_found", $"app '{Name}' has no certificate for {host}");
        }
        _challenges.RemoveAll(c => c.Hostname == host);
        await state.WriteStateAsync();
        await Catalog.ReleaseHostname(host, Name);
        await Usage.Release(QuotaKind.Certificates, host);
        await PublishAsync();
        await GrainFactory.GetGrain<ICertificateGrain>(host).Forget(Name);
    }

    public Task<CertificateTarget?> GetCertificateTarget(string hostname)
    {
        if (!S.Exists || !S.Certificates.TryGetValue(hostname, out var current))
        {
            return Task.FromResult<CertificateTarget?>(null);
        }
        // Dedicated addresses first: flyctl tells users to point at the dedicated IPv4 when there is one.
        var v4 = S.Ips.Where(i => i.Kind == IpKind.V4).Concat(S.Ips.Where(i => i.Kind == IpKind.SharedV4)).Select(i => i.Address);
        var v6 = S.Ips.Where(i => i.Kind == IpKind.V6).Select(i => i.Address);
        return Task.FromResult<CertificateTarget?>(new CertificateTarget(
            Name, S.Org, [.. v4], [.. v6], ChallengePreference.For(S.Config.Services, S.Ips), current.Info));
    }

    public async Task MarkOwnershipVerified(string hostname)
    {
        if (!S.Exists || !S.Certificates.TryGetValue(hostname, out var current) || !current.AwaitingOwnership)
        {
            return;
        }
        S.Certificates[hostname] = current with { AwaitingOwnership = false };
        await state.WriteStateAsync();
        await PublishAsync();
    }

    public async Task<CertificateInfo> InstallCertificate(string hostname, string? chainPem, string? keyPem, string source)
    {
        EnsureExists();
        if (!S.Certificates.TryGetValue(hostname, out var current))
        {
            throw new MeshException("certificate_not_found", $"app '{Name}' has no certificate for {hostname}");
        }
        var now = time.GetUtcNow();
        if (chainPem is null || keyPem is null)
        {
            (chainPem, keyPem) = CertificateFactory.CreateSelfSigned(hostname, now);
        }
        var info = CertificateFactory.Inspect(hostname, chainPem, keyPem, now) with { Source = source, AddedAt = current.Info.AddedAt };
        // A certificate the CA issued shows ownership as well as a DNS check does.
        S.Certificates[hostname] = new StoredCertificate(info, chainPem, sealer.Seal(keyPem), current.AwaitingOwnership && source != CertificateSource.Acme);
        await state.WriteStateAsync();
        await PublishAsync();
        return info;
    }

    public Task<long> PublishChallenge(AcmeChallengeRoute challenge)
    {
        EnsureExists();
        _challenges.RemoveAll(c => c.Hostname == challenge.Hostname && c.Type == challenge.Type);
        _challenges.Add(challenge);
        return PublishAsync();
    }

    public async Task WithdrawChallenges(string hostname)
    {
        if (_challenges.RemoveAll(c => c.Hostname == hostname) > 0)
        {
            await PublishAsync();
        }
    }

    public async Task<InstanceInfo> AddInstance(InstanceRegistration registration)
    {
        EnsureExists();
        var id = InstanceIds.New();
        await Usage.Take(QuotaKind.Instances, id, Name);
        InstanceInfo info;
        try
        {
            info = await GrainFactory.GetGrain<IInstanceGrain>(id).Register(Name, S.Org, registration);
        }
        catch
        {
            await Usage.Release(QuotaKind.Instances, id);
            throw;
        }
        S.Instances[id] = info.ToRoute();
        await state.WriteStateAsync();
        await RouteTable.PublishInstance(info.ToRoute());
        return info;
    }

    public async Task<ImmutableArray<InstanceInfo>> ListInstances()
    {
        EnsureExists();
        var infos = await Task.WhenAll(S.Instances.Keys.Select(id => GrainFactory.GetGrain<IInstanceGrain>(id).GetInfo()));
        return [.. infos.OfType<InstanceInfo>().OrderBy(i => i.Region, StringComparer.Ordinal).ThenBy(i => i.Id, StringComparer.Ordinal)];
    }

    public async Task OnInstanceChanged(InstanceInfo instance)
    {
        if (!S.Exists || !S.Instances.ContainsKey(instance.Id))
        {
            return;
        }
        S.Instances[instance.Id] = instance.ToRoute();
        await state.WriteStateAsync();
        await RouteTable.PublishInstance(instance.ToRoute());
    }

    public async Task OnInstanceRemoved(string instanceId)
    {
        if (!S.Exists || !S.Instances.Remove(instanceId))
        {
            return;
        }
        await state.WriteStateAsync();
        await Usage.Release(QuotaKind.Instances, instanceId);
        await RouteTable.RemoveInstance(Name, instanceId);
    }

    public Task<AppPresence> Presence() => Task.FromResult(
        S.Exists ? AppPresence.Exists : _creating ? AppPresence.Creating : AppPresence.Absent);

    public Task<AppRouteWithInstances?> GetRoute() =>
        Task.FromResult(S.Exists ? new AppRouteWithInstances(Route(), [.. S.Instances.Values]) : null);

    // Only hostnames whose ownership is shown route; challenges of open orders travel with the
    // app so that whichever gateway the CA reaches answers them.
    private AppRoute Route() => new(
        Name,
        S.Org,
        S.Config.Services,
        [.. S.Ips],
        [.. S.Certificates.Values.Where(c => !c.AwaitingOwnership).Select(c => new CertificateRoute(c.Info.Hostname, c.CertificatePem, KeyOf(c)))])
    {
        Challenges = [.. _challenges],
    };

    // Gateways terminate TLS, so the route (sent only over mutual TLS) carries the key in clear.
    // A key stored before keys were sealed is still read as it is (adding the certificate again seals it).
    private string KeyOf(StoredCertificate certificate) =>
        SecretSealer.IsSealed(certificate.SealedKey) ? sealer.Unseal(certificate.SealedKey) : certificate.SealedKey;

    private Task<long> PublishAsync() => RouteTable.PublishApp(Route());

    private AppInfo Info() => new(Name, S.Org, S.CreatedAt, S.Release, S.Config.PrimaryRegion, S.Config.Services.Length, S.Ips.Count, S.Instances.Count);

    private void EnsureExists()
    {
        if (!S.Exists)
        {
            throw new MeshException("app_not_found", $"app '{Name}' not found");
        }
    }

    private static string Normalize(string address) =>
        System.Net.IPAddress.TryParse(address, out var ip)
            ? ip.ToString()
            : throw new MeshException("invalid_address", $"'{address}' is not an IP address");
}
