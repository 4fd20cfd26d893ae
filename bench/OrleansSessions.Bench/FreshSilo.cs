using System.Diagnostics;
using System.Globalization;
using OrleansSessions.Bench.Paths;
using OrleansSessions.Silo.Cluster;

namespace OrleansSessions.Bench;

/// <summary><c>--fresh-silo</c>: a new silo process under appends from the moment /health/ready passes: the rate of
/// each of its first five seconds against its steady rate over seconds 25–35, and the first second that reaches 80% of it.</summary>
public static class FreshSilo
{
    private const int Writers = 64;
    private const int Sessions = 1000;
    private const int Seconds = 35;

    public static async Task RunAsync(string redis, string run, Report report)
    {
        var starting = Stopwatch.StartNew();
        await using var silo = await SiloHttpPath.StartAsync(redis, $"fs{run}", FreeTcpPort.Pick());
        var readyAfter = starting.Elapsed;

        // Appends completed in each second since the load began.
        var appended = new long[Seconds];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            var random = new Random(writer);
            while (clock.Elapsed.TotalSeconds < Seconds)
            {
                await silo.AppendAsync("bench-user", $"fresh-{random.Next(Sessions)}", Workload.Turn(random, 2));
                var second = (int)clock.Elapsed.TotalSeconds;
                if (second < Seconds) Interlocked.Increment(ref appended[second]);
            }
        })));

        var firstFive = appended[..5].Average();
        var steady = appended[25..35].Average();
        var up = Array.FindIndex(appended, rate => rate >= 0.8 * steady) + 1; // the first second at 80% of steady
        report.Line("### A fresh silo under appends");
        report.Line(string.Create(CultureInfo.InvariantCulture,
            $"A new silo process (ready after {readyAfter.TotalSeconds:F1} s), then at once {Writers} writers of two-item appends over " +
            $"{Sessions:N0} sessions (new ones: the first append to each creates it) through the bench's own HttpClient loader, auth on."));
        report.Line(string.Create(CultureInfo.InvariantCulture,
            $"| appends/s in second 1 | 2 | 3 | 4 | 5 | first 5 s average | steady (seconds 25–35) | first 5 s ÷ steady | first second at 80% of steady |\n" +
            $"|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n" +
            $"| {string.Join(" | ", appended[..5])} | {firstFive:F0} | {steady:F0} | {firstFive / steady:P0} | {up} |"));
    }
}
