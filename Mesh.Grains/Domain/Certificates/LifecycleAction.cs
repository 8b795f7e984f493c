namespace Mesh.Domain.Certificates;

/// <summary>What the lifecycle wants done now.</summary>
public enum LifecycleAction
{
    None,
    /// <summary>Look the hostname up and compare with the app's addresses.</summary>
    CheckOwnership,
    /// <summary>Obtain a certificate (the first one, a retry, or a renewal).</summary>
    Issue,
}
