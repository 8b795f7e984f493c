using Mesh.Interfaces.Model;

namespace Mesh.Interfaces;

/// <summary>
/// One hostname's certificate lifecycle (key: the lower-case hostname), so there is one issuance
/// at a time in the whole cluster. The app keeps the certificate itself; this grain decides when
/// to check DNS, order, renew, and remembers why the last attempt failed.
/// </summary>
[Alias("mesh.ICertificateGrain")]
public interface ICertificateGrain : IGrainWithStringKey
{
    /// <summary>The app added (or replaced) its certificate for the hostname; a verified one skips the DNS check.</summary>
    [Alias("Track")] Task Track(string app, bool ownershipVerified);
    /// <summary>The app removed the hostname: the lifecycle stops and any open order is abandoned.</summary>
    [Alias("Forget")] Task Forget(string app);
    /// <summary>Runs the ownership check now (<c>mesh certs check</c>); returns once it ran (an issuance it starts runs on).</summary>
    [Alias("Check")] Task<CertificateDetails> Check(string app);
    /// <summary>Starts a new certificate now (<c>mesh certs renew</c>).</summary>
    [Alias("Renew")] Task<CertificateDetails> Renew(string app);
    /// <summary>The certificate and its lifecycle; with <paramref name="lookUp"/>, what the resolver answers now.</summary>
    [Alias("Show")] Task<CertificateDetails> Show(string app, bool lookUp);
    [Alias("GetLifecycle")] Task<CertificateLifecycleInfo?> GetLifecycle();
    /// <summary>Activates the grain so a due step runs (the silo's wake-up calls it for every hostname).</summary>
    [Alias("Wake")] Task Wake();
}
