namespace Mesh.Tests.Infrastructure;

/// <summary>
/// Retries a call that may fail transiently while the cluster reacts to a fault (a killed silo
/// is declared dead after missed probes; until then calls to its grains fail). Polls the
/// condition itself, with a deadline; the interval only spaces the retries.
/// </summary>
internal static class Eventually
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(250);

    public static async Task<T> Succeeds<T>(Func<Task<T>> call, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (DateTime.UtcNow < until && IsTransient(e))
            {
                await Task.Delay(RetryInterval);
            }
        }
    }

    /// <summary>Reads a value until it satisfies <paramref name="done"/>; fails showing the last value read.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var value = await Succeeds(read, deadline);
            if (done(value)) return value;
            if (DateTime.UtcNow >= until)
            {
                throw new Xunit.Sdk.XunitException($"condition not reached within {deadline}; last value: {value}");
            }
            await Task.Delay(RetryInterval);
        }
    }

    private static bool IsTransient(Exception e) =>
        e is OrleansException or TimeoutException or SiloUnavailableException or System.Net.Sockets.SocketException
        || (e.InnerException is not null && IsTransient(e.InnerException));
}
