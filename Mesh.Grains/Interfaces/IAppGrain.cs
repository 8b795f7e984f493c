using System.Collections.Immutable;
using Mesh.Interfaces.Model;
using Orleans.Concurrency;

namespace Mesh.Interfaces;

/// <summary>An app, keyed by its name: its config, addresses, certificates and instances.</summary>
[Alias("mesh.IAppGrain")]
public interface IAppGrain : IGrainWithStringKey
{
    [Alias("Create")] Task<AppInfo> Create(string org);
    [Alias("Destroy")] Task Destroy();
    /// <summary>The app, or null when there is no such app.</summary>
    [Alias("GetInfo")] Task<AppInfo?> GetInfo();

    /// <summary>Parses, validates and applies a fly.toml; allocates IPs on the first deploy with a public service.</summary>
    [Alias("Deploy")] Task<DeployResult> Deploy(string flyToml);
    [Alias("GetConfigText")] Task<string?> GetConfigText();

    [Alias("ListIps")] Task<ImmutableArray<IpAssignment>> ListIps();
    [Alias("AllocateIp")] Task<IpAssignment> AllocateIp(IpKind kind);
    /// <summary>A Flycast address in <paramref name="network"/>'s private network (the app's own org, or another org it is exposed to); one per network.</summary>
    [Alias("AllocatePrivateIp")] Task<IpAssignment> AllocatePrivateIp(string network);
    [Alias("ReleaseIp")] Task ReleaseIp(string address);

    /// <summary>
    /// Adds a certificate for a hostname: the PEM pair given, or a new self-signed one when both
    /// are null. It routes only once ownership is shown (DNS at the app, or the CA's validation):
    /// until then the hostname's grain checks DNS with backoff.
    /// </summary>
    [Alias("AddCertificate")] Task<CertificateInfo> AddCertificate(string hostname, string? certificatePem, string? keyPem);
    /// <summary>
    /// The operator's override: as <see cref="AddCertificate"/>, but the hostname routes at once
    /// without an ownership check. Grain calls are operators' only (mutual TLS); the API offers it
    /// to the operator token alone.
    /// </summary>
    [Alias("AddCertificateSkippingOwnershipCheck")] Task<CertificateInfo> AddCertificateSkippingOwnershipCheck(string hostname, string? certificatePem, string? keyPem);
    /// <summary>The certificate served for a hostname, or null.</summary>
    [Alias("GetCertificate")] Task<CertificateInfo?> GetCertificate(string hostname);
    [Alias("ListCertificates")] Task<ImmutableArray<CertificateInfo>> ListCertificates();
    [Alias("RemoveCertificate")] Task RemoveCertificate(string hostname);

    /// <summary>What the hostname's lifecycle needs of the app, or null when the app no longer holds the hostname.</summary>
    [Alias("GetCertificateTarget")] Task<CertificateTarget?> GetCertificateTarget(string hostname);
    /// <summary>Ownership of the hostname is shown: it routes from now on.</summary>
    [Alias("MarkOwnershipVerified")] Task MarkOwnershipVerified(string hostname);
    /// <summary>Replaces the hostname's certificate (an issued chain and key, or a new self-signed one when both are null) and publishes it.</summary>
    [Alias("InstallCertificate")] Task<CertificateInfo> InstallCertificate(string hostname, string? chainPem, string? keyPem, string source);
    /// <summary>Puts an ACME challenge in the app's route (every gateway answers it); returns the route-table version that has it.</summary>
    [Alias("PublishChallenge")] Task<long> PublishChallenge(AcmeChallengeRoute challenge);
    [Alias("WithdrawChallenges")] Task WithdrawChallenges(string hostname);

    [Alias("AddInstance")] Task<InstanceInfo> AddInstance(InstanceRegistration registration);
    [Alias("ListInstances")] Task<ImmutableArray<InstanceInfo>> ListInstances();

    /// <summary>Called by an instance grain when its state or health changed.</summary>
    [Alias("OnInstanceChanged")] Task OnInstanceChanged(InstanceInfo instance);
    /// <summary>Called by an instance grain that was removed.</summary>
    [Alias("OnInstanceRemoved")] Task OnInstanceRemoved(string instanceId);

    /// <summary>
    /// The app's part of the route table, with its instances (used to rebuild the table).
    /// Interleaves so the table can rebuild itself while an app waits on it; it only reads
    /// state that is consistent between awaits.
    /// </summary>
    [AlwaysInterleave, Alias("GetRoute")] Task<AppRouteWithInstances?> GetRoute();

    /// <summary>
    /// Whether the app exists or is being created right now (its catalogue entry is written
    /// before its own state). Interleaves, for the same reason as <see cref="GetRoute"/>.
    /// </summary>
    [AlwaysInterleave, Alias("Presence")] Task<AppPresence> Presence();
}
