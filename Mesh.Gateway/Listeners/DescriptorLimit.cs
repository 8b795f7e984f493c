namespace Mesh.Gateway.Listeners;

/// <summary>
/// The process's open-file soft limit (RLIMIT_NOFILE), read from <c>/proc/self/limits</c>, and the
/// default global connection cap below it: a gateway that runs out of descriptors cannot accept,
/// connect upstream, or even open its own files, so it must refuse connections well before that.
/// </summary>
public static class DescriptorLimit
{
    /// <summary>The soft limit from the text of <c>/proc/self/limits</c>; null when absent or unlimited.</summary>
    public static long? SoftLimitFrom(string limitsText)
    {
        foreach (var line in limitsText.Split('\n'))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
            var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 0 && long.TryParse(fields[0], out var soft) ? soft : null;
        }
        return null;
    }

    /// <summary>80% of the soft limit (the rest: upstream sockets' headroom is not counted, so they share it), or 0 = no cap when unknown.</summary>
    public static int DefaultMaxConnections()
    {
        string text;
        try
        {
            text = File.ReadAllText("/proc/self/limits");
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
        return SoftLimitFrom(text) is { } soft ? (int)Math.Min(int.MaxValue, soft * 8 / 10) : 0;
    }
}
