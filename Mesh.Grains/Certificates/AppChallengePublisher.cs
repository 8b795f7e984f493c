using Mesh.Acme;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;

namespace Mesh.Certificates;

/// <summary>Challenges go into the app's route, so every gateway learns them with the next delta.</summary>
internal sealed class AppChallengePublisher(IAppGrain app) : IAcmeChallengePublisher
{
    public Task PublishAsync(AcmeChallengeRoute challenge) => app.PublishChallenge(challenge);

    public Task WithdrawAsync(string hostname) => app.WithdrawChallenges(hostname);
}
