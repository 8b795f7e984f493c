namespace Mesh.Gateway.Dns;

/// <summary>The response codes the internal zone answers with.</summary>
public enum DnsOutcome
{
    /// <summary>The name exists; the answer may still be empty (NODATA).</summary>
    NoError,

    /// <summary>No such name (also for everything of another org, so the two cannot be told apart).</summary>
    NxDomain,

    /// <summary>Not ours to answer: a name outside <c>.internal</c>, or an asker outside every known org.</summary>
    Refused,
}
