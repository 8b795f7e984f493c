using System.Text;
using Orleans.Storage;

namespace Mesh.Silo.Storage;

/// <summary>
/// Grain state in files under a data directory: the embedded mode's storage, so that a mesh on
/// one machine needs no external service and loses nothing on restart. One file per grain and
/// state name; writes go to a temporary file that is flushed and renamed over the old one, so a
/// crash leaves either the old or the new state, never half of one. ETags are checked like any
/// Orleans provider's, so a stale activation cannot overwrite a newer write.
/// </summary>
internal sealed class FileGrainStorage(string root, IGrainStorageSerializer serializer) : IGrainStorage
{
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
        grainState.State = serializer.Deserialize<T>(new BinaryData(payload));
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathFor(stateName, grainId);
        await CheckETagAsync(path, grainState.ETag);
        var etag = Guid.NewGuid().ToString("N");
        var payload = serializer.Serialize(grainState.State).ToMemory();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
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
        string? stored = File.Exists(path) ? (await ReadAsync(path)).ETag : null;
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
            throw new InvalidDataException($"grain state file {path} has no ETag line");
        }
        return (Encoding.ASCII.GetString(bytes, 0, newline), bytes[(newline + 1)..]);
    }

    private string PathFor(string stateName, GrainId grainId)
    {
        // Grain ids hold characters such as '/' that are not safe in file names.
        var name = Uri.EscapeDataString(grainId.ToString());
        return Path.Combine(root, Uri.EscapeDataString(stateName), name + ".state");
    }
}
