namespace Mesh.Tests.Infrastructure;

/// <summary>Waits for text to appear in a file another process writes (a log), woken by the file system's change events rather than a polling clock.</summary>
public static class FileText
{
    public static async Task WaitForAsync(string path, string text, TimeSpan deadline)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var changed = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(directory, Path.GetFileName(path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName,
        };
        watcher.Changed += (_, _) => changed.Release();
        watcher.Created += (_, _) => changed.Release();
        watcher.EnableRaisingEvents = true;
        using var timeout = new CancellationTokenSource(deadline);
        // Checked after the watcher is on, so a write between the two is never missed.
        while (!Contains(path, text))
        {
            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"'{text}' never appeared in {path}");
            }
        }
    }

    private static bool Contains(string path, string text)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Contains(text, StringComparison.Ordinal);
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }
}
