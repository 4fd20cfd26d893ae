using System.Diagnostics;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>No server the suite starts outlives it: each carries the run's marker, and the watchdog kills what carries
/// it once the test process is gone.</summary>
[Trait("Category", TestCategory.Process)]
public sealed class TestProcessesTests
{
    [Fact]
    public async Task A_redis_server_the_tests_start_keeps_the_marker_in_its_environment()
    {
        Assert.True(OperatingSystem.IsLinux(), "the marker is read from /proc");
        var (_, server) = await TestRedisServer.StartDedicatedRedisAsync();
        try
        {
            var marker = Environment.GetEnvironmentVariable(TestProcesses.MarkerVariable);
            Assert.False(string.IsNullOrEmpty(marker));
            Assert.Contains($"{TestProcesses.MarkerVariable}={marker}", Environ(server.Id));
        }
        finally
        {
            server.Kill();
            server.Dispose();
        }
    }

    [Fact]
    public async Task The_watchdog_kills_the_marked_processes_when_its_pipe_closes()
    {
        var marker = $"watchdog-test/{Guid.NewGuid():N}";
        var info = new ProcessStartInfo("sleep", "60") { UseShellExecute = false };
        info.Environment[TestProcesses.MarkerVariable] = marker;
        using var marked = Process.Start(info)!;
        using var unmarked = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            var pipe = TestProcesses.StartWatchdog(marker);
            await Task.Delay(200);
            Assert.False(marked.HasExited);

            pipe.Dispose(); // as when the test process dies
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await marked.WaitForExitAsync(timeout.Token);
            Assert.False(unmarked.HasExited);
        }
        finally
        {
            if (!marked.HasExited) marked.Kill();
            unmarked.Kill();
        }
    }

    private static string[] Environ(int pid) => File.ReadAllText($"/proc/{pid}/environ").Split('\0');
}
