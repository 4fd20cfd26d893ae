using System.Diagnostics;

namespace OrleansSessions.Bench;

/// <summary>What one path did in one scenario.</summary>
public sealed record Measurement(string Path, long Operations, TimeSpan Elapsed, double P50Ms, double P99Ms, long AllocatedBytesPerOp, long PeakMemoryBytes)
{
    /// <summary>Unmeasured load before a timed run: the path's code is compiled and tiered up, the thread pool has
    /// grown to the load and the connections' pipelines are full (a run of a few hundred milliseconds from cold
    /// measured a third of the steady rate; after one second of warm-up the JIT was still compiling hundreds of
    /// methods a second in the Orleans paths). Set once, from <c>--warm-up</c>, before anything is measured.</summary>
    public static TimeSpan WarmUp { get; set; } = TimeSpan.FromSeconds(5);

    public double PerSecond => Operations / Elapsed.TotalSeconds;

    /// <summary><paramref name="workers"/> loops run for the warm-up, then again for <paramref name="duration"/>,
    /// timing each operation of the second run: a fast path is measured over as many operations as a slow one is
    /// over seconds. For scenarios whose cost does not change with what they wrote before (reads of a fixed history,
    /// appends: their cost is flat in a history's length).</summary>
    public static async Task<Measurement> RunForAsync(
        string path, int workers, TimeSpan duration, Func<int, int, Task> operation, Func<long>? peakMemory = null)
    {
        await MeasureAsync(path, workers, Until(WarmUp), operation, peakMemory);
        return await MeasureAsync(path, workers, Until(duration), operation, peakMemory);
    }

    /// <summary><paramref name="workers"/> loops each do <paramref name="operationsEach"/> timed operations, after
    /// <paramref name="warmUp"/> (on state of its own) has run for the warm-up if given: every path does the same
    /// work, for scenarios whose cost grows with what they wrote (a turn reads the history its path's earlier turns
    /// made longer), or whose state the count decides (appends to a session of a given length).</summary>
    public static async Task<Measurement> RunAsync(string path, int workers, int operationsEach, Func<int, int, Task> operation,
        Func<long>? peakMemory = null, Func<int, int, Task>? warmUp = null)
    {
        if (warmUp is not null) await MeasureAsync(path, workers, Until(WarmUp), warmUp, peakMemory);
        return await MeasureAsync(path, workers, i => i < operationsEach, operation, peakMemory);
    }

    private static Func<int, bool> Until(TimeSpan span)
    {
        var end = Stopwatch.GetTimestamp() + (long)(span.TotalSeconds * Stopwatch.Frequency);
        return i => i == 0 || Stopwatch.GetTimestamp() < end; // every worker does at least one
    }

    private static async Task<Measurement> MeasureAsync(
        string path, int workers, Func<int, bool> another, Func<int, int, Task> operation, Func<long>? peakMemory)
    {
        var latencies = Enumerable.Range(0, workers).Select(_ => new List<long>()).ToArray();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; another(i); i++)
            {
                var started = Stopwatch.GetTimestamp();
                await operation(worker, i);
                latencies[worker].Add(Stopwatch.GetTimestamp() - started);
            }
        })));
        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore; // seen to go backwards once (reported as n/a)
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Measurement(path, all.Length, clock.Elapsed, Milliseconds(all[all.Length / 2]),
            Milliseconds(all[(int)(all.Length * 0.99)]), allocated / all.Length,
            peakMemory?.Invoke() ?? Process.GetCurrentProcess().PeakWorkingSet64);
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
