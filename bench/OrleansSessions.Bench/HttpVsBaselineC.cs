using System.Globalization;
using System.Text;
using OrleansSessions.Bench.Paths;
using OrleansSessions.Silo.Cluster;

namespace OrleansSessions.Bench;

/// <summary><c>--http-vs-baseline-c</c>: the silo and baseline C, each a process of its own on the same Redis, loaded
/// alike over HTTP in one run (by wrk when it is on PATH), scenario by scenario back to back, with the ratios
/// silo ÷ C.</summary>
public static class HttpVsBaselineC
{
    private const int Sessions = 1000;
    private const int SeededItems = 60;
    private const int Agents = 64;
    private const int TurnsPerAgent = 300;
    private const string Owner = "bench-user";

    private sealed record Target(string Prefix, IBenchPath Path, ItemsOverHttp Items);

    /// <summary>A scenario: the wrk script and its arguments for a target's session prefix, and the same load for the
    /// bench's own loader.</summary>
    private sealed record Scenario(string Title, string Script, Func<string, string[]> ScriptArguments, Func<Target, Func<int, int, Task>> Operation);

    public static async Task RunAsync(string redis, string run, TimeSpan measured, TimeSpan warmUp, Report report)
    {
        await using var silo = await SiloHttpPath.StartAsync(redis, $"hs{run}", FreeTcpPort.Pick());
        await using var c = await BaselineCPath.StartAsync(redis, $"hc{run}", FreeTcpPort.Pick(), silo.Items.ApiKey);
        Target[] targets = [new("silo", silo, silo.Items), new("c", c, c.Items)];
        foreach (var target in targets) await SeedAsync(target);

        var useWrk = Wrk.IsInstalled;
        var table = new StringBuilder("| scenario | silo req/s | silo p99 ms | C req/s | C p99 ms | silo ÷ C |\n|---|---:|---:|---:|---:|---:|\n");
        Scenario[] scenarios =
        [
            new("Appends, 2 items, over 1,000 sessions", "appends.lua", prefix => [prefix, $"{Sessions}"],
                target => (worker, i) =>
                {
                    var random = new Random(worker * 100_000 + i);
                    return target.Path.AppendAsync(Owner, $"{target.Prefix}-{random.Next(Sessions)}", Workload.Turn(random, 2));
                }),
            new("Newest-50 reads of the same sessions", "newest50.lua", prefix => [prefix, $"{Sessions}"],
                target => (worker, i) => target.Path.ReadNewestAsync($"{target.Prefix}-{new Random(worker * 100_000 + i).Next(Sessions)}", 50)),
            new("Hot session, 2-item appends to one session", "appends.lua", prefix => [$"{prefix}-hot", "1"],
                target => (worker, i) => target.Path.AppendAsync(Owner, $"{target.Prefix}-hot-0", Workload.Turn(new Random(worker * 100_000 + i), 2))),
        ];
        foreach (var scenario in scenarios)
        {
            var results = new List<(double PerSecond, double P99Ms)>();
            foreach (var target in targets)
            {
                Console.WriteLine($"{scenario.Title}: {target.Path.Name}");
                results.Add(useWrk
                    ? await WrkAsync(target, scenario.Script, scenario.ScriptArguments(target.Prefix), measured, warmUp)
                    : Rate(await Measurement.RunForAsync(target.Path.Name, Agents, measured, scenario.Operation(target))));
            }
            Row(table, scenario.Title, results[0], results[1]);
        }

        // wrk cannot chain a read and the append that depends on it per connection: the turn loop always uses the
        // bench's own loader, with the same number of turns for both, so their histories end equally long.
        var turns = new List<(double PerSecond, double P99Ms)>();
        foreach (var target in targets)
        {
            Console.WriteLine($"Turn loop: {target.Path.Name}");
            turns.Add(Rate(await Measurement.RunAsync(target.Path.Name, Agents, TurnsPerAgent, Turn(target, "turn"), warmUp: Turn(target, "turn-warm-up"))));
        }
        Row(table, $"HTTP agent turn loop, turns/s (own loader: {Agents} agents × {TurnsPerAgent} turns; a turn reads the newest 50, then appends 2–4 items)", turns[0], turns[1]);

        var hello = useWrk
            ? await WrkAsync(targets[1], null, [], measured, warmUp, "/hello")
            : Rate(await Measurement.RunForAsync("hello", Agents, measured, (_, _) => c.Items.Http.GetStringAsync("/hello")));
        table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| Kestrel hello (baseline C's `/hello`: no auth, no Redis) | | | {hello.PerSecond:F0} | {hello.P99Ms:F2} | |"));

        report.Line("### The silo beside baseline C over HTTP");
        report.Line(useWrk
            ? $"Load generator: wrk -t2 -c64 (bench/wrk), {warmUp.TotalSeconds:F0} s unmeasured, then {measured.TotalSeconds:F0} s measured with --latency, per target and scenario; auth on (X-Api-Key) for both."
            : $"Load generator: the bench's own closed-loop HttpClient loader ({Agents} tasks; wrk is not on PATH), {warmUp.TotalSeconds:F0} s unmeasured, then {measured.TotalSeconds:F0} s measured, per target and scenario; auth on (X-Api-Key) for both.");
        report.Line($"Each target's {Sessions:N0} sessions were seeded with {SeededItems} items each (and as many for the turn loop and its warm-up), owner {Owner}.");
        report.Line(table.ToString().TrimEnd());
    }

    /// <summary>Every session a scenario touches gets the same items on both targets, so newest-50 reads return 50
    /// from both and no session's first append (the silo's owner index) is measured.</summary>
    private static async Task SeedAsync(Target target)
    {
        foreach (var set in new[] { "", "-turn", "-turn-warm-up" })
        {
            await Measurement.RunAsync(target.Path.Name, 20, Sessions / 20, (worker, i) =>
                target.Path.AppendAsync(Owner, $"{target.Prefix}{set}-{worker * (Sessions / 20) + i}", Workload.Turn(new Random(i), SeededItems)));
        }
        await target.Path.AppendAsync(Owner, $"{target.Prefix}-hot-0", Workload.Turn(new Random(0), 2));
        var newest = await target.Path.ReadNewestAsync($"{target.Prefix}-0", 50);
        if (newest != 50) throw new InvalidOperationException($"{target.Path.Name} returned {newest} of the newest 50 after seeding.");
    }

    private static Func<int, int, Task> Turn(Target target, string sessions) => async (worker, i) =>
    {
        var random = new Random(worker * 100_000 + i);
        var session = $"{target.Prefix}-{sessions}-{random.Next(Sessions)}";
        await target.Path.ReadNewestAsync(session, 50);
        await target.Path.AppendAsync(Owner, session, Workload.Turn(random, random.Next(2, 5)));
    };

    private static async Task<(double PerSecond, double P99Ms)> WrkAsync(
        Target target, string? script, string[] scriptArguments, TimeSpan measured, TimeSpan warmUp, string path = "")
    {
        var url = new Uri(target.Items.BaseAddress, path).ToString();
        await Wrk.RunAsync(url, script, scriptArguments, target.Items.ApiKey, warmUp);
        return await Wrk.RunAsync(url, script, scriptArguments, target.Items.ApiKey, measured);
    }

    private static (double PerSecond, double P99Ms) Rate(Measurement measurement) => (measurement.PerSecond, measurement.P99Ms);

    private static void Row(StringBuilder table, string title, (double PerSecond, double P99Ms) silo, (double PerSecond, double P99Ms) c) =>
        table.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {title} | {silo.PerSecond:F0} | {silo.P99Ms:F2} | {c.PerSecond:F0} | {c.P99Ms:F2} | {silo.PerSecond / c.PerSecond:F2}× |"));
}
