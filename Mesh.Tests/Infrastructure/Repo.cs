namespace Mesh.Tests.Infrastructure;

/// <summary>Paths of the repository and of the built programs the tests run as real processes.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    /// <summary>Debug or Release: whatever this test assembly was built as, so the programs match it.</summary>
    private static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    public static string SiloDll => Built("Mesh.Silo", "Mesh.Silo.dll");

    public static string CliDll => Built("Mesh.Cli", "mesh.dll");

    public static string GatewayDll => Built("Mesh.Gateway", "Mesh.Gateway.dll");

    public static string WhoamiDll => Built("Mesh.Whoami", "Mesh.Whoami.dll");

    private static string Built(string project, string dll)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"build {project} first: {path} is missing");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mesh.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Mesh.sln not found above " + AppContext.BaseDirectory);
    }
}
