using System.Diagnostics;

namespace OrleansSessions.Bench;

/// <summary>What one path did in one scenario.</summary>
public sealed record Measurement(string Path, long Operations, TimeSpan Elapsed, double P50Ms, double P99Ms, long AllocatedBytesPerOp, long PeakMemoryBytes)
{
    public double PerSecond => Operations / Elapsed.TotalSeconds;

    /// <summary>Runs <paramref name="workers"/> loops that each do <paramref name="operationsEach"/> operations, timing each.</summary>
    public static async Task<Measurement> RunAsync(
        string path, int workers, int operationsEach, Func<int, int, Task> operation, Func<long>? peakMemory = null)
    {
        var latencies = new long[workers * operationsEach];
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < operationsEach; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await operation(worker, i);
                latencies[worker * operationsEach + i] = Stopwatch.GetTimestamp() - started;
            }
        })));
        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Array.Sort(latencies);
        return new Measurement(path, latencies.Length, clock.Elapsed, Milliseconds(latencies[latencies.Length / 2]),
            Milliseconds(latencies[(int)(latencies.Length * 0.99)]), allocated / latencies.Length,
            peakMemory?.Invoke() ?? Process.GetCurrentProcess().PeakWorkingSet64);
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
