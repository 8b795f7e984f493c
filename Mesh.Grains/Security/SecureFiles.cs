namespace Mesh.Security;

/// <summary>Files only their owner can read: keys, certificates and tokens are written 0600 in 0700 directories.</summary>
public static class SecureFiles
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, DirectoryMode);
        File.SetUnixFileMode(path, DirectoryMode);
    }

    /// <summary>Writes through a temporary file and a rename, so a reader never sees half a key.</summary>
    public static void Write(string path, string text)
    {
        var temp = path + ".tmp";
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
            File.SetUnixFileMode(temp, FileMode);
        }
        File.Move(temp, path, overwrite: true);
    }
}
