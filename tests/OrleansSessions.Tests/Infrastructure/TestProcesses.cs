using System.Diagnostics;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>Servers the tests start, killed when the test run ends. One handler for all of them, each kill on its
/// own: a process a test already stopped and disposed must not keep the others running.</summary>
public static class TestProcesses
{
    private static readonly List<Process> Running = [];

    static TestProcesses() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    public static void StopWithTestRun(Process process)
    {
        lock (Running) Running.Add(process);
    }

    private static void KillAll()
    {
        lock (Running)
        {
            foreach (var process in Running)
            {
                try
                {
                    if (!process.HasExited) process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Already stopped and disposed by its test.
                }
            }
        }
    }
}
