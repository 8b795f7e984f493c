using Mesh.Interfaces.Model;

namespace Mesh.Acme;

/// <summary>
/// Where an issuer puts the challenge material for the gateways to answer (the certificate
/// grain publishes it through the app's route), and takes it back once the authorization is done.
/// <see cref="PublishAsync"/> returns once the route table carries it.
/// </summary>
public interface IAcmeChallengePublisher
{
    Task PublishAsync(AcmeChallengeRoute challenge);

    Task WithdrawAsync(string hostname);
}
