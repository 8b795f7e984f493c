namespace Mesh.Grains;

/// <summary>
/// The only persisted part of the route table: the epoch of the current activation. The table
/// itself is rebuilt from the apps, and versions start at <c>epoch &lt;&lt; 32</c>, so a new
/// activation's versions are above every earlier one and subscribers see the jump as a gap.
/// </summary>
[GenerateSerializer, Alias("mesh.RouteTableEpoch")]
public sealed class RouteTableEpoch
{
    /// <summary>Epochs count seconds from here: 2^31 of them (68 years) keep <c>epoch &lt;&lt; 32</c> inside a long.</summary>
    public static readonly DateTimeOffset Origin = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Id(0)] public long Epoch { get; set; }

    /// <summary>
    /// The next activation's epoch: above the stored one, and never below the clock, so a counter
    /// restored from an old backup (or lost with an unreadable state) still moves forward.
    /// </summary>
    public static long Next(long stored, DateTimeOffset now) =>
        Math.Max(stored + 1, Math.Max(0, (long)(now - Origin).TotalSeconds));
}
