using System.Security.Cryptography;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Logging;

namespace Mesh.Acme;

/// <summary>
/// Issues certificates from the configured CA with the cluster's account
/// (<see cref="IAcmeAccountGrain"/>). One call is one attempt: a new order, each authorization
/// answered with the first preferred challenge type the CA offers, published for the gateways
/// and withdrawn once validated; an invalid authorization is retried with a new order and the
/// next type; then finalize with a fresh P-256 key and download the chain.
/// </summary>
internal sealed partial class AcmeIssuer : IAcmeIssuer, IDisposable
{
    private readonly AcmeOptions _options;
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly ILogger<AcmeIssuer> _logger;
    private readonly HttpClient _http;
    private long _badNonceRetries;

    public AcmeIssuer(AcmeOptions options, IGrainFactory grains, TimeProvider time, ILogger<AcmeIssuer> logger)
    {
        if (!options.Enabled) throw new ArgumentException("Mesh:Acme:Directory is not set", nameof(options));
        _options = options;
        _grains = grains;
        _time = time;
        _logger = logger;
        _http = AcmeHttp.CreateClient(options.LoadTrustedRoots());
    }

    public bool Enabled => true;

    /// <summary>Requests signed again after the CA refused their nonce (badNonce), since start.</summary>
    public long BadNonceRetries => Interlocked.Read(ref _badNonceRetries);

    private string DirectoryUrl => _options.Directory!;

    private IAcmeAccountGrain Account => _grains.GetGrain<IAcmeAccountGrain>(IAcmeAccountGrain.Global);

    public async Task<AcmeIssueResult> IssueAsync(string hostname, IReadOnlyList<string> challengeTypes, IAcmeChallengePublisher publisher, CancellationToken cancellationToken)
    {
        if (challengeTypes.Count == 0) throw new ArgumentException("at least one challenge type is needed", nameof(challengeTypes));
        var account = await Account.GetOrCreate();
        using var key = ECDsa.Create();
        key.ImportFromPem(account.KeyPem);
        var client = new AcmeClient(_http, DirectoryUrl, key, _time);
        try
        {
            return await IssueAsync(client, account, hostname, challengeTypes, publisher, cancellationToken);
        }
        finally
        {
            Interlocked.Add(ref _badNonceRetries, client.BadNonceRetries);
        }
    }

    private async Task<AcmeIssueResult> IssueAsync(AcmeClient client, AcmeAccount account, string hostname, IReadOnlyList<string> challengeTypes, IAcmeChallengePublisher publisher, CancellationToken cancellationToken)
    {
        await client.GetDirectoryAsync(cancellationToken);
        client.AccountUrl = account.UrlAt(DirectoryUrl) ?? await RegisterAsync(client, cancellationToken);

        var remaining = challengeTypes.ToList();
        AcmeException? lastFailure = null;
        while (remaining.Count > 0)
        {
            var order = await NewOrderAsync(client, hostname, cancellationToken);
            var outcome = await AuthorizeAsync(client, order, hostname, remaining, publisher, cancellationToken);
            if (outcome.Failure is not null)
            {
                // The failed type, and every type before it, is done for this attempt; the next order tries what is left.
                lastFailure = outcome.Failure;
                remaining.RemoveRange(0, Math.Max(remaining.IndexOf(outcome.ChallengeType), 0) + 1);
                LogChallengeFailed(hostname, outcome.ChallengeType, outcome.Failure.Message, remaining.Count > 0 ? remaining[0] : "none");
                continue;
            }
            var (chain, keyPem) = await FinalizeAsync(client, order, hostname, cancellationToken);
            LogIssued(hostname, outcome.ChallengeType);
            return new AcmeIssueResult(chain, keyPem, outcome.ChallengeType);
        }
        throw lastFailure!;
    }

    private async Task<string> RegisterAsync(AcmeClient client, CancellationToken cancellationToken)
    {
        var url = await client.CreateAccountAsync(_options.Email, cancellationToken);
        await Account.SetRegistration(DirectoryUrl, url);
        LogRegistered(url);
        return url;
    }

    private async Task<AcmeOrder> NewOrderAsync(AcmeClient client, string hostname, CancellationToken cancellationToken)
    {
        try
        {
            return await client.NewOrderAsync(hostname, cancellationToken);
        }
        catch (AcmeException e) when (e.Type == AcmeProblem.AccountDoesNotExist)
        {
            // The CA forgot the account (a test CA restarted, an account deactivated): register the same key again.
            client.AccountUrl = await RegisterAsync(client, cancellationToken);
            return await client.NewOrderAsync(hostname, cancellationToken);
        }
    }

    /// <summary>Every authorization of the order made valid, or the first that failed and with which type.</summary>
    private async Task<(string ChallengeType, AcmeException? Failure)> AuthorizeAsync(
        AcmeClient client, AcmeOrder order, string hostname, IReadOnlyList<string> preferences, IAcmeChallengePublisher publisher, CancellationToken cancellationToken)
    {
        var used = preferences[0];
        foreach (var url in order.Authorizations)
        {
            var authorization = await client.GetAuthorizationAsync(url, cancellationToken);
            if (authorization.Status == AcmeStatus.Valid)
            {
                // Reused from an earlier order (RFC 8555 §7.1.3 lets the CA do that): nothing to answer.
                used = authorization.Challenges.FirstOrDefault(c => c.Status == AcmeStatus.Valid)?.Type ?? used;
                continue;
            }
            if (authorization.Status != AcmeStatus.Pending)
            {
                return (used, authorization.Failure(hostname));
            }
            var challenge = authorization.Choose(preferences) ?? throw new AcmeException(AcmeProblem.NoChallenge,
                $"the CA offers {string.Join(", ", authorization.Challenges.Select(c => c.Type))} for {authorization.Identifier}, none of {string.Join(", ", preferences)}");
            used = challenge.Type;
            await publisher.PublishAsync(ChallengeRoute(authorization.Identifier, challenge, client.Thumbprint));
            try
            {
                await client.RespondToChallengeAsync(challenge.Url, cancellationToken);
                authorization = await client.WaitForAuthorizationAsync(url, cancellationToken);
            }
            finally
            {
                await publisher.WithdrawAsync(authorization.Identifier);
            }
            if (authorization.Status != AcmeStatus.Valid)
            {
                return (used, authorization.Failure(hostname));
            }
        }
        return (used, null);
    }

    private AcmeChallengeRoute ChallengeRoute(string hostname, AcmeChallenge challenge, string thumbprint)
    {
        var keyAuthorization = AcmeKeyAuthorization.For(challenge.Token, thumbprint);
        if (challenge.Type == AcmeChallengeType.TlsAlpn01)
        {
            var certificate = TlsAlpnChallengeCertificate.Create(hostname, keyAuthorization, _time.GetUtcNow());
            return new AcmeChallengeRoute(hostname, challenge.Type, challenge.Token, keyAuthorization, certificate.CertificatePem, certificate.KeyPem);
        }
        return new AcmeChallengeRoute(hostname, challenge.Type, challenge.Token, keyAuthorization, null, null);
    }

    private static async Task<(string Chain, string KeyPem)> FinalizeAsync(AcmeClient client, AcmeOrder order, string hostname, CancellationToken cancellationToken)
    {
        order = await client.WaitForOrderAsync(order.Url, cancellationToken);
        if (order.Status != AcmeStatus.Ready)
        {
            throw order.Error ?? new AcmeException(AcmeProblem.ErrorPrefix + "orderNotReady", $"the order for {hostname} is {order.Status}, not ready, after its authorizations");
        }
        var csr = AcmeCertificateRequest.Create(hostname);
        order = await client.FinalizeAsync(order, csr.Der, cancellationToken);
        if (AcmeStatus.IsInProgress(order.Status)) order = await client.WaitForOrderAsync(order.Url, cancellationToken);
        if (order.Status != AcmeStatus.Valid || order.Certificate is null)
        {
            throw order.Error ?? new AcmeException(AcmeProblem.ErrorPrefix + "serverInternal", $"the order for {hostname} is {order.Status} after finalize");
        }
        return (await client.DownloadCertificateAsync(order.Certificate, cancellationToken), csr.KeyPem);
    }

    public void Dispose() => _http.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "ACME account registered: {AccountUrl}")]
    private partial void LogRegistered(string accountUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ACME {ChallengeType} for {Hostname} failed: {Reason}; next: {Next}")]
    private partial void LogChallengeFailed(string hostname, string challengeType, string reason, string next);

    [LoggerMessage(Level = LogLevel.Information, Message = "ACME certificate issued for {Hostname} ({ChallengeType})")]
    private partial void LogIssued(string hostname, string challengeType);
}
