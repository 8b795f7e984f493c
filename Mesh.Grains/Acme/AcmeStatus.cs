namespace Mesh.Acme;

/// <summary>The status values of ACME orders, authorizations and challenges (RFC 8555 §7.1.6).</summary>
internal static class AcmeStatus
{
    public const string Pending = "pending";
    public const string Ready = "ready";
    public const string Processing = "processing";
    public const string Valid = "valid";
    public const string Invalid = "invalid";

    /// <summary>An object in this status changes without the client doing anything: poll it.</summary>
    public static bool IsInProgress(string status) => status is Pending or Processing;
}
