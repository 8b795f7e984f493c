using System.Runtime.InteropServices;

namespace Mesh.Tests.Infrastructure;

/// <summary>.NET can only SIGKILL a child; a graceful stop needs SIGTERM from libc.</summary>
internal static partial class NativeMethods
{
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
