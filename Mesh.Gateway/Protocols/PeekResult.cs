namespace Mesh.Gateway.Protocols;

/// <summary>What a protocol detector says about the bytes it was shown (it never consumes them).</summary>
public enum PeekResult
{
    /// <summary>Not enough bytes yet to decide; read more and ask again.</summary>
    NeedMore,
    /// <summary>These bytes are not this protocol.</summary>
    NotMine,
    /// <summary>Parsed; the detector reports how many bytes it owns.</summary>
    Parsed,
    /// <summary>This protocol, but malformed: close the connection.</summary>
    Invalid,
}
