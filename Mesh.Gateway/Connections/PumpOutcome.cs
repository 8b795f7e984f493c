namespace Mesh.Gateway.Connections;

/// <summary>How a <see cref="Pump"/> run ended: a value for the handler to count, never an exception.</summary>
public enum PumpOutcome
{
    /// <summary>Both sides finished (or the connection was aborted from outside).</summary>
    Completed,
    /// <summary>Neither side sent a byte for the idle timeout.</summary>
    IdleTimeout,
    /// <summary>The instance's socket failed (a reset, mostly).</summary>
    UpstreamReset,
    /// <summary>The client's connection failed.</summary>
    ClientReset,
}
