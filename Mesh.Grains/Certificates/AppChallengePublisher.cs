using Mesh.Acme;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;

namespace Mesh.Certificates;

/// <summary>
/// Challenges go into the app's route, so every gateway learns them with the next delta;
/// <see cref="PublishAsync"/> returns once every subscribed gateway says it serves that table
/// version (or after <c>Mesh:Certificates:ChallengePropagation</c>), so the CA is not asked to
/// validate before the gateways know the challenge: a CA may validate at once (Pebble does).
/// </summary>
internal sealed class AppChallengePublisher(IAppGrain app, IRouteTableGrain routes, TimeSpan propagation) : IAcmeChallengePublisher
{
    /// <summary>Below Orleans' response timeout, so a long setting never turns into a failed call.</summary>
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(25);

    public async Task PublishAsync(AcmeChallengeRoute challenge)
    {
        var version = await app.PublishChallenge(challenge);
        // Not applied everywhere in time: the order goes on regardless (a stopped gateway must not
        // block issuance; the CA retries its validation or the order is retried later).
        await routes.WaitApplied(version, propagation < LongestWait ? propagation : LongestWait);
    }

    public Task WithdrawAsync(string hostname) => app.WithdrawChallenges(hostname);
}
