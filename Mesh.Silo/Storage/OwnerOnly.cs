namespace Mesh.Silo.Storage;

/// <summary>Grain state holds every app's config and certificates: its files are 0600 in 0700 directories.</summary>
internal static class OwnerOnly
{
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode Directory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(path);
            return;
        }
        System.IO.Directory.CreateDirectory(path, Directory);
        // CreateDirectory leaves an existing directory (and the umask) as it was.
        System.IO.File.SetUnixFileMode(path, Directory);
    }

    /// <summary>Tightens what an older version left world-readable.</summary>
    public static void Tighten(string root)
    {
        if (OperatingSystem.IsWindows() || !System.IO.Directory.Exists(root)) return;
        System.IO.File.SetUnixFileMode(root, Directory);
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            entry.UnixFileMode = entry is DirectoryInfo ? Directory : File;
        }
    }
}
