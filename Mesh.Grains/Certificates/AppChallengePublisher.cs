using Mesh.Acme;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;

namespace Mesh.Certificates;

/// <summary>
/// Challenges go into the app's route, so every gateway learns them with the next delta;
/// <see cref="PublishAsync"/> returns once a gateway on the app's address answers (or the
/// self-check gives up), so the CA is not asked to validate before gateways know the challenge.
/// </summary>
internal sealed class AppChallengePublisher(IAppGrain app, CertificateTarget target, ChallengeSelfCheck selfCheck, CancellationToken cancellation) : IAcmeChallengePublisher
{
    public async Task PublishAsync(AcmeChallengeRoute challenge)
    {
        await app.PublishChallenge(challenge);
        await selfCheck.WaitAnsweredAsync(challenge, target, cancellation);
    }

    public Task WithdrawAsync(string hostname) => app.WithdrawChallenges(hostname);
}
