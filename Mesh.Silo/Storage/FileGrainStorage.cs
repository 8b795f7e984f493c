using Mesh.Security;
using System.Text;
using Orleans.Storage;

namespace Mesh.Silo.Storage;

/// <summary>
/// Grain state in files under a data directory: the embedded mode's storage, so that a mesh on
/// one machine needs no external service and loses nothing on restart. One file per grain and
/// state name (0600, in 0700 directories); writes go to a temporary file that is flushed and
/// renamed over the old one, so a crash leaves either the old or the new state, never half of
/// one. ETags are checked like any Orleans provider's, so a stale activation cannot overwrite a
/// newer write. A file that does not decode throws <see cref="UnreadableStateException"/>.
/// </summary>
internal sealed class FileGrainStorage : IGrainStorage
{
    private readonly string _root;
    private readonly IGrainStorageSerializer _serializer;

    public FileGrainStorage(string root, IGrainStorageSerializer serializer)
    {
        _root = root;
        _serializer = serializer;
        SecureFiles.CreateDirectory(root);
        SecureFiles.Tighten(root);
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathFor(stateName, grainId);
        if (!File.Exists(path))
        {
            grainState.RecordExists = false;
            grainState.ETag = null;
            return;
        }
        var (etag, payload) = await ReadAsync(path);
        try
        {
            grainState.State = _serializer.Deserialize<T>(new BinaryData(payload));
        }
        catch (Exception e)
        {
            throw new UnreadableStateException($"{Path.GetFileName(path)} does not decode: {e.GetType().Name}: {e.Message.Split('\n')[0]}", etag, e);
        }
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathFor(stateName, grainId);
        await CheckETagAsync(path, grainState.ETag);
        var etag = Guid.NewGuid().ToString("N");
        var payload = _serializer.Serialize(grainState.State).ToMemory();
        SecureFiles.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = SecureFiles.FileMode;
        await using (var file = new FileStream(temp, options))
        {
            await file.WriteAsync(Encoding.ASCII.GetBytes(etag + "\n"));
            await file.WriteAsync(payload);
            await file.FlushAsync();
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathFor(stateName, grainId);
        await CheckETagAsync(path, grainState.ETag);
        File.Delete(path);
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static async Task CheckETagAsync(string path, string? expected)
    {
        string? stored = null;
        try
        {
            stored = File.Exists(path) ? (await ReadAsync(path)).ETag : null;
        }
        catch (UnreadableStateException)
        {
            // No ETag to hold against the writer: only a rebuilt state (see ReportingGrainStorage) gets here.
        }
        if (stored != expected)
        {
            throw new InconsistentStateException($"ETag mismatch on {Path.GetFileName(path)}", stored ?? "", expected ?? "");
        }
    }

    private static async Task<(string ETag, byte[] Payload)> ReadAsync(string path)
    {
        var bytes = await File.ReadAllBytesAsync(path);
        var newline = Array.IndexOf(bytes, (byte)'\n');
        if (newline < 0)
        {
            throw new UnreadableStateException($"{Path.GetFileName(path)} is truncated: it has no ETag line", null);
        }
        return (Encoding.ASCII.GetString(bytes, 0, newline), bytes[(newline + 1)..]);
    }

    private string PathFor(string stateName, GrainId grainId)
    {
        // Grain ids hold characters such as '/' that are not safe in file names.
        var name = Uri.EscapeDataString(grainId.ToString());
        return Path.Combine(_root, Uri.EscapeDataString(stateName), name + ".state");
    }
}
