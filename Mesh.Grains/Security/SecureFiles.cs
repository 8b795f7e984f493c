namespace Mesh.Security;

/// <summary>Files only their owner can read: keys, certificates and tokens are written 0600 in 0700 directories.</summary>
public static class SecureFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, DirectoryMode);
        // CreateDirectory leaves an existing directory (and the umask) as it was.
        File.SetUnixFileMode(path, DirectoryMode);
    }

    /// <summary>Tightens a tree that an older version (or a careless copy) left readable by others.</summary>
    public static void Tighten(string root)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(root)) return;
        File.SetUnixFileMode(root, DirectoryMode);
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            entry.UnixFileMode = entry is DirectoryInfo ? DirectoryMode : FileMode;
        }
    }

    /// <summary>Writes through a temporary file and a rename, so a reader never sees half a key.</summary>
    public static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // One temporary name per process: two writers never interleave into one file.
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        if (OperatingSystem.IsWindows())
        {
            File.WriteAllText(temp, text);
        }
        else
        {
            using var stream = new FileStream(temp, new FileStreamOptions
            {
                Mode = System.IO.FileMode.Create, Access = FileAccess.Write, UnixCreateMode = FileMode,
            });
            using var writer = new StreamWriter(stream);
            writer.Write(text);
            writer.Flush();
            // The create mode only applies to a new file; a stale temporary one keeps its old mode.
            File.SetUnixFileMode(temp, FileMode);
        }
        File.Move(temp, path, overwrite: true);
    }
}
