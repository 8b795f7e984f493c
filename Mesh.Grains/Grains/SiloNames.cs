namespace Mesh.Grains;

/// <summary>
/// Silos carry their region in their name (<c>&lt;region&gt;-&lt;host&gt;-&lt;port&gt;</c>), which the
/// membership table stores and every member and client can read.
/// </summary>
public static class SiloNames
{
    public static string For(string region, string host, int port) => $"{region}-{host}-{port}";

    public static string RegionOf(string siloName)
    {
        var dash = siloName.IndexOf('-');
        return dash > 0 ? siloName[..dash] : "";
    }
}
