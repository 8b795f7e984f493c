using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// A child process whose output the test can wait on: <see cref="WaitForLineAsync"/> completes
/// when a line containing the text appears (no polling, no sleeps), or fails with the output so
/// far if the process exits first or the deadline passes.
/// </summary>
internal sealed class RunningProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly ConcurrentBag<(string Text, TaskCompletionSource<string> Done)> _waiters = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _nextLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RunningProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once <see cref="WaitForExitAsync"/> has completed.</summary>
    public int ExitCode => _process.ExitCode;

    public static RunningProcess Start(string fileName, IEnumerable<string> args, IDictionary<string, string>? env = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        if (env is not null)
        {
            foreach (var (k, v) in env) info.Environment[k] = v;
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var running = new RunningProcess(process);
        process.OutputDataReceived += (_, e) => running.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => running.OnLine(e.Data);
        process.Exited += (_, _) => running._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Add((text, done));
        lock (_output)
        {
            foreach (var line in _output.ToString().Split('\n'))
            {
                if (line.Contains(text, StringComparison.Ordinal)) done.TrySetResult(line);
            }
        }
        var finished = await Task.WhenAny(done.Task, _exited.Task, Task.Delay(timeout));
        if (finished == done.Task) return await done.Task;
        if (finished == _exited.Task)
        {
            // The exit can be reported before the last lines are read: WaitForExitAsync also
            // waits for the redirected streams to reach their end.
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        if (done.Task.IsCompleted) return await done.Task;
        throw new TimeoutException($"'{text}' did not appear ({(finished == _exited.Task ? "process exited" : "timed out")}). Output:\n{Output}");
    }

    /// <summary>
    /// Waits for the exit and for the last lines: the Exited event can arrive before the
    /// redirected streams are read to their end, and a test reading <see cref="Output"/> right
    /// after would see it empty.
    /// </summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        await _exited.Task.WaitAsync(timeout);
        await _process.WaitForExitAsync().WaitAsync(timeout);
    }

    /// <summary>Completes when the process prints its next line (or exits).</summary>
    public Task NextLineAsync()
    {
        lock (_output) return Task.WhenAny(_nextLine.Task, _exited.Task);
    }

    /// <summary>SIGTERM, then wait for the process to finish its graceful shutdown.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return;
        _ = NativeMethods.Kill(_process.Id, NativeMethods.SigTerm);
        await WaitForExitAsync(timeout);
    }

    /// <summary>SIGKILL: the process gets no chance to say goodbye to the cluster.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        TaskCompletionSource woken;
        lock (_output)
        {
            _output.AppendLine(line);
            woken = _nextLine;
            _nextLine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        woken.TrySetResult();
        foreach (var (text, done) in _waiters)
        {
            if (line.Contains(text, StringComparison.Ordinal)) done.TrySetResult(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
        }
        _process.Dispose();
    }
}
