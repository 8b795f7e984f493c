using Mesh.Gateway.Hosting;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;

namespace Mesh.Gateway.Routing;

/// <summary>
/// The gateway's last good route table on disk, so that a gateway started while the cluster is
/// unreachable still serves: <c>table.sealed</c> (the snapshot in the Orleans wire format, sealed
/// with <see cref="TableSeal"/>) and <c>table.key</c>, created on first use; both 0600 in a 0700
/// directory. The table holds every app's private keys: it is never written in clear.
/// </summary>
public sealed partial class LastGoodTableStore
{
    public const string TableFile = "table.sealed";
    public const string KeyFile = "table.key";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerOnly | UnixFileMode.UserExecute;

    private readonly Serializer _serializer;
    private readonly ILogger<LastGoodTableStore> _logger;
    private byte[]? _key;
    private bool _saveFailed;

    public LastGoodTableStore(string? directory, Serializer serializer, ILogger<LastGoodTableStore> logger)
    {
        Directory = directory;
        _serializer = serializer;
        _logger = logger;
    }

    /// <summary>Null when the feature is off (cluster mode without <c>Mesh:Gateway:StateDirectory</c>).</summary>
    public string? Directory { get; }

    /// <summary>
    /// <c>Mesh:Gateway:StateDirectory</c>; else, in embedded mode, <c>DATA/gateway/&lt;region&gt;</c>;
    /// else null. Reads the cluster keys the way the gateway's Orleans client does.
    /// </summary>
    public static string? DirectoryFor(IConfiguration configuration, GatewayOptions options)
    {
        if (options.StateDirectory is { Length: > 0 } explicitDirectory) return explicitDirectory;
        var cluster = configuration.GetSection("Mesh:Cluster");
        var redis = cluster["Redis"] is { Length: > 0 } r ? r : Environment.GetEnvironmentVariable("MESH_REDIS");
        if (!string.IsNullOrEmpty(redis)) return null;
        var data = cluster["DataDirectory"] ?? Environment.GetEnvironmentVariable("MESH_DATA_DIR")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".mesh");
        return Path.Combine(data, "gateway", options.Region);
    }

    /// <summary>The stored table, or null when there is none or it does not unseal and decode (logged).</summary>
    public RouteSnapshot? TryLoad()
    {
        if (Directory is null) return null;
        var path = Path.Combine(Directory, TableFile);
        if (!File.Exists(path) || !File.Exists(Path.Combine(Directory, KeyFile))) return null;
        try
        {
            var plain = TableSeal.Unseal(File.ReadAllBytes(path), Key());
            if (plain is null)
            {
                LogUnusable(path, "it does not unseal with table.key");
                return null;
            }
            return _serializer.Deserialize<RouteSnapshot>(plain);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogUnusable(path, $"{e.GetType().Name}: {e.Message.Split('\n')[0]}");
            return null;
        }
    }

    public void Save(RouteSnapshot snapshot)
    {
        if (Directory is null) return;
        try
        {
            CreateDirectory(Directory);
            var sealedBytes = TableSeal.Seal(_serializer.SerializeToArray(snapshot), Key());
            WriteReplacing(Path.Combine(Directory, TableFile), sealedBytes, overwrite: true);
            _saveFailed = false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Once per run of failures: the gateway serves on; only a later cold start is affected.
            if (!_saveFailed) LogSaveFailed(Directory, e.Message.Split('\n')[0]);
            _saveFailed = true;
        }
    }

    private byte[] Key()
    {
        if (_key is not null) return _key;
        var path = Path.Combine(Directory!, KeyFile);
        if (!File.Exists(path))
        {
            CreateDirectory(Directory!);
            var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(TableSeal.KeySize);
            // Another gateway on the same directory may create it first: then use its key.
            if (!WriteReplacing(path, key, overwrite: false)) key = File.ReadAllBytes(path);
            return _key = key;
        }
        var stored = File.ReadAllBytes(path);
        if (stored.Length != TableSeal.KeySize)
        {
            throw new IOException($"{path} is not a {TableSeal.KeySize}-byte key");
        }
        return _key = stored;
    }

    /// <summary>Writes through a 0600 temporary file and a rename; false when not overwriting and the file exists.</summary>
    private static bool WriteReplacing(string path, byte[] bytes, bool overwrite)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        using (var file = new FileStream(temp, options))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        try
        {
            File.Move(temp, path, overwrite);
            return true;
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            File.Delete(temp);
            return false;
        }
    }

    private static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(path);
            return;
        }
        System.IO.Directory.CreateDirectory(path, OwnerOnlyDirectory);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored route table {Path} is not usable ({Reason}); waiting for the cluster")]
    private partial void LogUnusable(string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not save the route table under {Directory} ({Reason}); a cold start without the cluster will serve nothing")]
    private partial void LogSaveFailed(string directory, string reason);
}
