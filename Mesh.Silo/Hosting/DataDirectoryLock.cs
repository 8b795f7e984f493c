using System.Text;
using Mesh.Domain;

namespace Mesh.Silo.Hosting;

/// <summary>
/// One embedded silo per data directory: two on the same files would each hold their own
/// activations of the same grains (split brain). The silo holds a POSIX write lock on
/// <c>DATA/silo.lock</c> for its lifetime (the kernel drops it when the process dies, however it
/// dies); the file holds the owner's pid, readable by the silo that is refused.
/// </summary>
public sealed class DataDirectoryLock
{
    public const string FileName = "silo.lock";

    // Held here for the process lifetime: a collected stream would close the file and drop the lock.
    private static DataDirectoryLock? _held;

    // A byte past any pid: the locked region never overlaps the text the refused silo reads.
    private const long LockOffset = 1 << 20;

    private readonly FileStream _stream;

    private DataDirectoryLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock or throws <c>data_dir_in_use</c> naming the holder.</summary>
    public static void Hold(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        // Shared open (not FileShare.None) so the refused silo can still read the holder's pid;
        // exclusion comes from the record lock below.
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        FileStream stream;
        try
        {
            Directory.CreateDirectory(dataDirectory);
            stream = new FileStream(path, options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MeshException("data_dir_unusable", $"--data-dir: cannot use {dataDirectory} ({e.Message})");
        }
        try
        {
            // .NET has no region locks on macOS; Mesh runs on Linux (and tests there).
            if (!OperatingSystem.IsMacOS()) stream.Lock(LockOffset, 1);
        }
        catch (IOException)
        {
            var holder = ReadPid(stream);
            stream.Dispose();
            throw new MeshException("data_dir_in_use", $"the data directory {dataDirectory} is in use by another silo (pid {holder})");
        }
        stream.SetLength(0);
        stream.Write(Encoding.ASCII.GetBytes(Environment.ProcessId + "\n"));
        stream.Flush();
        _held = new DataDirectoryLock(stream);
    }

    private static string ReadPid(FileStream stream)
    {
        try
        {
            stream.Position = 0;
            using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            var text = reader.ReadToEnd().Trim();
            return text.Length > 0 ? text : "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public override string ToString() => _stream.Name;
}
