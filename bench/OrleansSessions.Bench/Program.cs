using System.Diagnostics;
using System.Globalization;
using OrleansSessions.Abstractions;
using OrleansSessions.Bench;
using OrleansSessions.Bench.Paths;
using OrleansSessions.Silo.Cluster;
using StackExchange.Redis;

// dotnet run -c Release --project bench/OrleansSessions.Bench -- [--redis host:port] [--out file.md] [--seconds 3] [--warm-up 5] [--scale 1.0]
//   [--script-cost | --http-vs-baseline-c | --fresh-silo]
// Without --redis it starts a redis-server from PATH on a free loopback port and stops it at the end.
var redisArgument = Argument("--redis");
var outFile = Argument("--out");
var scale = double.Parse(Argument("--scale") ?? "1", CultureInfo.InvariantCulture);
int Scaled(int n) => Math.Max(1, (int)(n * scale));
// The comparison with baseline C follows the issue's procedure (wrk's 20 s of warm-up, 10 s measured) by default.
var versusBaselineC = args.Contains("--http-vs-baseline-c");
var measured = TimeSpan.FromSeconds(double.Parse(Argument("--seconds") ?? (versusBaselineC ? "10" : "3"), CultureInfo.InvariantCulture)); // each path in each scenario
Measurement.WarmUp = TimeSpan.FromSeconds(double.Parse(Argument("--warm-up") ?? (versusBaselineC ? "20" : "5"), CultureInfo.InvariantCulture));

using var ownRedis = redisArgument is null ? BenchRedis.Start() : null;
var redisAddress = redisArgument ?? ownRedis!.Address;
var redis = await ConnectionMultiplexer.ConnectAsync($"{redisAddress},syncTimeout=30000,allowAdmin=true");
var run = Guid.NewGuid().ToString("N")[..8];
var report = new Report();
report.Line($"Run {DateTimeOffset.UtcNow:u} on {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, " +
    $"Redis at {redisAddress} ({(await redis.GetServer(redis.GetEndPoints()[0]).InfoAsync("server")).SelectMany(g => g).FirstOrDefault(p => p.Key == "redis_version").Value ?? "?"}), scale {scale}.");

if (args.Contains("--script-cost"))
{
    Console.WriteLine(await ScriptCost.MeasureAsync(redis, $"bs{run}", Scaled(5000)));
    return 0;
}
if (versusBaselineC || args.Contains("--fresh-silo"))
{
    if (versusBaselineC) await HttpVsBaselineC.RunAsync(redisAddress, run, measured, Measurement.WarmUp, report);
    else await FreshSilo.RunAsync(redisAddress, run, report);
    if (outFile is not null) await File.WriteAllTextAsync(outFile, report.ToString());
    return 0;
}
var grains = await GrainsPath.StartAsync(redis, $"bg{run}", FreeTcpPort.Pick(), FreeTcpPort.Pick());
if (Argument("--profile-appends") is { } seconds)
{
    // Only in-silo appends (64 writers over 1,000 sessions) for a while: something to attach a profiler to.
    var until = DateTime.UtcNow.AddSeconds(double.Parse(seconds, CultureInfo.InvariantCulture));
    var appended = 0L;
    await Task.WhenAll(Enumerable.Range(0, 64).Select(w => Task.Run(async () =>
    {
        var random = new Random(w);
        while (DateTime.UtcNow < until)
        {
            await grains.AppendAsync("profile-user", $"profile-{random.Next(1000)}", Workload.Turn(random, random.Next(2, 5)));
            Interlocked.Increment(ref appended);
        }
    })));
    Console.WriteLine($"{appended / double.Parse(seconds, CultureInfo.InvariantCulture):F0} appends/s");
    await grains.DisposeAsync();
    return 0;
}
var http = await SiloHttpPath.StartAsync(redisAddress, $"bh{run}", FreeTcpPort.Pick());
var cluster = await ClusterClientPath.StartAsync(redisAddress, $"bh{run}");
var baselineA = new ListPerSessionBaseline(redis, $"ba{run}");
var baselineB = new WatchMultiBaseline(redis, $"bb{run}");
IBenchPath[] paths = [grains, http, cluster, baselineA, baselineB];
// The in-cluster client calls the HTTP path's silo process, so both report that process's peak.
long Peak(IBenchPath path) => path is SiloHttpPath or ClusterClientPath ? http.SiloPeakMemory : Process.GetCurrentProcess().PeakWorkingSet64;

// The HTTP and in-cluster paths call one silo process in one key space: the turn loop, whose reads grow with its
// appends, gives each path sessions of its own, so no path reads histories another path lengthened.
string TurnSessions(IBenchPath path) => $"turn{Array.IndexOf(paths, path)}";

// Every path first gets one append and one read on each of the 1,000 sessions, so the scenarios measure steady
// state, not a conversation's first turn (which, for the grains, writes the owner's index first and loads the
// session into its activation's memory).
foreach (var path in paths)
{
    foreach (var (user, prefix) in new[] { ("turn-user", TurnSessions(path)), ("append-user", "append") })
    {
        await Measurement.RunAsync(path.Name, 50, 20, async (worker, i) =>
        {
            await path.AppendAsync(user, $"{prefix}-{worker * 20 + i}", Workload.Turn(new Random(i), 1));
            await path.ReadAllAsync($"{prefix}-{worker * 20 + i}");
        });
    }
}

// (a) agent turn loop: read the history, then append 2-4 items.
var turnResults = new List<Measurement>();
foreach (var path in paths)
{
    Func<int, int, Task> Turn(string sessions) => async (worker, i) =>
    {
        var random = new Random(worker * 100_000 + i);
        var session = $"{sessions}-{random.Next(1000)}";
        await path.ReadAllAsync(session).ContinueWith(_ => 0);
        await path.AppendAsync("turn-user", session, Workload.Turn(random, random.Next(2, 5)));
    };
    turnResults.Add(await Measurement.RunAsync(path.Name, 64, Scaled(300), Turn(TurnSessions(path)), () => Peak(path), warmUp: Turn($"{TurnSessions(path)}-warm-up")));
}
report.Scenario("(a) Agent turn loop", "64 virtual agents over 1,000 sessions; each turn reads the history, then appends 2–4 items.", turnResults);

// Appends alone: 64 writers over 1,000 sessions.
var appendResults = new List<Measurement>();
foreach (var path in paths)
{
    appendResults.Add(await Measurement.RunForAsync(path.Name, 64, measured, (worker, i) =>
    {
        var random = new Random(worker * 100_000 + i);
        return path.AppendAsync("append-user", $"append-{random.Next(1000)}", Workload.Turn(random, random.Next(2, 5)));
    }, () => Peak(path)));
}
report.Scenario("Appends, 64 writers over 1,000 sessions", "Each operation appends 2–4 items to a random one of 1,000 sessions.", appendResults);

// (b) hot session: 64 writers on one session.
var hotResults = new List<Measurement>();
foreach (var path in paths)
{
    hotResults.Add(await Measurement.RunForAsync(path.Name, 64, measured, (worker, i) =>
        path.AppendAsync("hot-user", "hot", Workload.Turn(new Random(worker * 1000 + i), 2)), () => Peak(path)));
}
report.Scenario("(b) Hot session", "64 writers appending 2 items each to one session.", hotResults);
report.Line($"Baseline B retried {baselineB.Retries} transactions in all, most of them on the hot session.");

// (c) long history: sessions of 200 and 5,000 items; warm reads of all and of the newest 50.
foreach (var path in paths)
{
    for (var s = 0; s < 4; s++) await Fill(path, $"long200-{s}", 200);
    for (var s = 0; s < 2; s++) await Fill(path, $"long5000-{s}", 5000);
    for (var s = 0; s < 4; s++) await path.ReadAllAsync($"long200-{s}");   // warm
    for (var s = 0; s < 2; s++) await path.ReadAllAsync($"long5000-{s}");
}
foreach (var (title, sessions, read) in new (string, string, Func<IBenchPath, string, Task<int>>)[]
{
    ("(c1) Full-history reads, 200 items", "long200-", (p, s) => p.ReadAllAsync(s)),
    ("(c2) Full-history reads, 5,000 items", "long5000-", (p, s) => p.ReadAllAsync(s)),
    ("(c3) Newest 50 of 5,000 items", "long5000-", (p, s) => p.ReadNewestAsync(s, 50)),
})
{
    var results = new List<Measurement>();
    var count = sessions == "long200-" ? 4 : 2;
    foreach (var path in paths)
    {
        results.Add(await Measurement.RunForAsync(path.Name, 8, measured, (worker, i) => read(path, $"{sessions}{(worker + i) % count}"), () => Peak(path)));
    }
    report.Scenario(title, "8 readers; every read returns the items parsed (the caches are warm).", results);
}

// (d) listing: a user with 10,000 conversations, first page. Grains and HTTP share one prefix here.
var lister = await GrainsPath.StartAsync(redis, $"bl{run}", FreeTcpPort.Pick(), FreeTcpPort.Pick());
await using (var listingHttp = await SiloHttpPath.StartAsync(redisAddress, $"bl{run}", FreeTcpPort.Pick()))
await using (var listingCluster = await ClusterClientPath.StartAsync(redisAddress, $"bl{run}"))
{
    var factory = (IGrainFactory)lister.Services.GetService(typeof(IGrainFactory))!;
    var created = 0;
    await Task.WhenAll(Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
    {
        for (int i; (i = Interlocked.Increment(ref created)) <= Scaled(10_000);)
        {
            await factory.GetGrain<ISessionGrain>($"conv-{i}").CreateAsync(new CreateSessionCommand("heavy-user", null, null, null), default);
        }
    })));
    report.Scenario($"(d) Listing, a user with {Scaled(10_000):N0} conversations", "8 readers, first page of 50, most recently active first.",
    [
        await Measurement.RunForAsync(lister.Name, 8, measured, (_, _) => lister.ListFirstPageAsync("heavy-user", 50)),
        await Measurement.RunForAsync(listingHttp.Name, 8, measured, (_, _) => listingHttp.ListFirstPageAsync("heavy-user", 50), () => listingHttp.SiloPeakMemory),
        await Measurement.RunForAsync(listingCluster.Name, 8, measured, (_, _) => listingCluster.ListFirstPageAsync("heavy-user", 50), () => listingHttp.SiloPeakMemory),
    ]);
}
await lister.DisposeAsync();

// Append cost against history length, and newest-N cost against N (grains in-silo).
var single = Workload.Turn(new Random(7), 1);
Task WarmUpAppends(int worker, int i) => grains.AppendAsync("flat-user", "flat-warm-up", single);
// Counted, not timed: a timed run would lengthen the short history by tens of thousands of items.
var flatAppends = Scaled(3000);
var small = await Measurement.RunAsync($"history 0 → {flatAppends:N0}", 1, flatAppends, (_, _) => grains.AppendAsync("flat-user", "flat", single), warmUp: WarmUpAppends);
for (var filled = 0; filled < Scaled(100_000); filled += 1000)
{
    await grains.AppendAsync("flat-user", "flat", Enumerable.Repeat(single[0], 1000).ToList());
}
var large = await Measurement.RunAsync($"history {Scaled(100_000) + flatAppends:N0} → {Scaled(100_000) + 2 * flatAppends:N0}", 1, flatAppends, (_, _) => grains.AppendAsync("flat-user", "flat", single), warmUp: WarmUpAppends);
await grains.ReadNewestAsync("flat", 10);
var newest10 = await Measurement.RunForAsync("newest 10", 1, measured, (_, _) => grains.ReadNewestAsync("flat", 10));
var newest1000 = await Measurement.RunForAsync("newest 1,000", 1, measured, (_, _) => grains.ReadNewestAsync("flat", 1000));
report.Scenario("Append cost against history length (grains, one writer)", $"{flatAppends:N0} appends of one item each to a new session, then as many after {Scaled(100_000):N0} more items.", [small, large]);
report.Scenario("Newest-N reads (grains, warm)", "The newest 10 and the newest 1,000 of the same long session.", [newest10, newest1000]);

// What a cached session costs in memory, against its items' bytes.
var itemBytes = 0L;
for (var i = 0; i < 5000; i++) itemBytes += System.Text.Encoding.UTF8.GetByteCount(Workload.Turn(new Random(i), 1)[0]);
await Fill(grains, "memory", 5000);
GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
var before = GC.GetTotalMemory(forceFullCollection: true);
await grains.ReadAllAsync("memory");
var after = GC.GetTotalMemory(forceFullCollection: true);
report.Line(string.Create(CultureInfo.InvariantCulture,
    $"A cached session of 5,000 items ({itemBytes / 1024.0:F0} KiB of item JSON) grew the heap by {(after - before) / 1024.0:F0} KiB: {(double)(after - before) / itemBytes:F2}× its items' bytes."));

foreach (var path in paths) await path.DisposeAsync();
report.Line(await ScriptCost.MeasureAsync(redis, $"bs{run}", Scaled(5000)));
if (outFile is not null) await File.WriteAllTextAsync(outFile, report.ToString());
return 0;

async Task Fill(IBenchPath path, string session, int items)
{
    for (var done = 0; done < items; done += 100)
    {
        var batch = Enumerable.Range(done, Math.Min(100, items - done)).Select(i => Workload.Turn(new Random(i), 1)[0]).ToList();
        await path.AppendAsync("long-user", session, batch);
    }
}

string? Argument(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
