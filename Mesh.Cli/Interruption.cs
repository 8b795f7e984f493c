using System.Runtime.InteropServices;

namespace Mesh.Cli;

/// <summary>
/// Ctrl-C and SIGTERM cancel the running command through <see cref="Token"/> (the command-line
/// library's own termination handling is off: it aborted with rc 134 and, on a failing command,
/// threw from a disposed handler). A command that does not stop within <see cref="Grace"/> is
/// ended anyway, with the same one line and exit code.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);

    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _reported;

    public Interruption()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    public CancellationToken Token => _cancel.Token;

    public bool Requested => _cancel.IsCancellationRequested;

    /// <summary>128 + the signal's number, as shells report it: 130 for Ctrl-C, 143 for SIGTERM.</summary>
    public int ExitCode { get; private set; } = 130;

    /// <summary>Prints the one line once, however many signals and code paths report it.</summary>
    public int Report()
    {
        if (Interlocked.Exchange(ref _reported, 1) == 0)
        {
            Console.Error.WriteLine("Error: interrupted");
        }
        return ExitCode;
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Not the runtime's default (terminate at once): the command unwinds through its cancellation token.
        context.Cancel = true;
        if (_cancel.IsCancellationRequested) return;
        ExitCode = context.Signal == PosixSignal.SIGTERM ? 143 : 130;
        _cancel.Cancel();
        _ = Task.Delay(Grace).ContinueWith(_ => Environment.Exit(Report()), TaskScheduler.Default);
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cancel.Dispose();
    }
}
