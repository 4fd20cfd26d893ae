using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>
/// No process the tests start outlives the test run, however the run ends (passed, failed, cancelled, killed). Every
/// child of the test process carries <see cref="MarkerVariable"/> in its environment, with a value of this run's own;
/// a watchdog reads a pipe that only the test process holds, and when the pipe closes (the test process is gone, which
/// no handler of its own can be sure to see) it kills every process that carries that value. .ci/run sets
/// OS_TEST_RUN_ID and checks afterwards that no process with it is left.
/// </summary>
public static class TestProcesses
{
    public const string MarkerVariable = "OS_TEST_SERVER";

    /// <summary>redis-server writes its process title over its environment, marker and all, unless told not to.</summary>
    public static readonly string[] RedisKeepsEnvironment = ["--set-proc-title", "no"];

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE0052", Justification = "Holds the pipe open; its close is the signal.")]
    private static StreamWriter? _watchdogPipe; // kept open, never written: its close is the signal

    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "A test assembly: every process it starts must be marked.")]
    internal static void MarkEveryChild()
    {
        var marker = $"{Environment.GetEnvironmentVariable("OS_TEST_RUN_ID") ?? "local"}/{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(MarkerVariable, marker);
        if (OperatingSystem.IsLinux()) _watchdogPipe = StartWatchdog(marker);
    }

    /// <summary>Kills every process that carries <paramref name="marker"/> once the returned pipe closes.</summary>
    internal static StreamWriter StartWatchdog(string marker)
    {
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, UseShellExecute = false };
        info.Environment.Remove(MarkerVariable);
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("""
            cat > /dev/null
            for environ in /proc/[0-9]*/environ; do
              if tr '\0' '\n' < "$environ" 2>/dev/null | grep -qxF "$0=$1"; then
                pid=${environ#/proc/}; kill -9 "${pid%/environ}" 2>/dev/null
              fi
            done
            """);
        info.ArgumentList.Add(MarkerVariable);
        info.ArgumentList.Add(marker);
        return Process.Start(info)!.StandardInput;
    }
}
