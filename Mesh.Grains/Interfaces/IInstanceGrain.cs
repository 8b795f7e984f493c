using Mesh.Interfaces.Model;

namespace Mesh.Interfaces;

/// <summary>
/// An instance of an app, keyed by its id. The platform runs no VMs: instances are registered
/// (by the CLI or by an app through the SDK) and their state and health are reported here.
/// </summary>
[Alias("mesh.IInstanceGrain")]
public interface IInstanceGrain : IGrainWithStringKey
{
    /// <summary>Called by the app grain; does not call back.</summary>
    [Alias("Register")] Task<InstanceInfo> Register(string app, string org, InstanceRegistration registration);
    /// <summary>Called by the app grain when the app is destroyed; does not call back.</summary>
    [Alias("Deregister")] Task Deregister();

    [Alias("GetInfo")] Task<InstanceInfo?> GetInfo();
    [Alias("Start")] Task<InstanceInfo> Start();
    [Alias("Stop")] Task<InstanceInfo> Stop();
    [Alias("SetHealth")] Task<InstanceInfo> SetHealth(InstanceHealth health);
    [Alias("Remove")] Task Remove();
}
