namespace Mesh.Grains;

/// <summary>
/// The only persisted part of the route table: a counter bumped on every activation. The table
/// itself is rebuilt from the apps, and versions start at <c>epoch &lt;&lt; 32</c>, so a new
/// activation's versions are above every earlier one and subscribers see the jump as a gap.
/// </summary>
[GenerateSerializer, Alias("mesh.RouteTableEpoch")]
public sealed class RouteTableEpoch
{
    [Id(0)] public long Epoch { get; set; }
}
