using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansSessions.Contracts;
using OrleansSessions.Silo.Cluster;
using OrleansSessions.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace OrleansSessions.Tests;

/// <summary>
/// A redis-server primary, its replica and three sentinels; two silo processes connected through the sentinels; 16
/// writers appending batches with operation ids through both silos, each retrying a batch with its id until it is
/// acknowledged. The primary is SIGKILLed mid-run and Sentinel promotes the replica; the old primary comes back as a
/// replica of the new one (as an orchestrator would start it again), so writes that wait for a replica can be
/// acknowledged again. Then every session is read from the new primary and through the silos: with
/// Redis:AcknowledgeAfterReplicas=1 no acknowledged batch is lost; with 0 the test reports how many were. Either
/// way the silos keep their membership, serve again within <see cref="ServeAgainBound"/> of the kill, and serve
/// exactly what the new primary holds (no activation keeps serving writes the promoted replica lacked).
/// </summary>
[Trait("Category", TestCategory.Process)]
[Collection(nameof(MultiSiloProcessTests))] // several silo processes; not beside the other process tests
public sealed class SentinelFailoverTests(ITestOutputHelper output)
{
    private const int Writers = 16;
    private const int ItemsPerBatch = 2;
    private const string Service = "mymaster";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>From the kill to each silo's first acknowledged append: Sentinel's 1 s down-after and its election,
    /// then, for writes that wait for a replica, the old primary's return and full sync. Measured 1.3–5.4 s (both
    /// settings, nine runs each); the bound leaves room for a loaded machine.</summary>
    private static readonly TimeSpan ServeAgainBound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task With_acknowledgement_after_one_replica_a_sentinel_failover_loses_no_acknowledged_write()
    {
        var figures = await RunAsync(replicas: 1);
        Assert.Equal(0, figures.Lost);
    }

    [Fact]
    public async Task With_acknowledgement_by_the_primary_alone_a_sentinel_failover_reports_what_it_lost()
    {
        var figures = await RunAsync(replicas: 0);
        Assert.True(figures.Acknowledged > 0);
    }

    private sealed record Figures(int Acknowledged, int Lost);

    private async Task<Figures> RunAsync(int replicas)
    {
        var processes = new List<Process>();
        var sentinelDirectory = Directory.CreateTempSubdirectory("sentinel-").FullName;
        SiloProcess[] silos = [];
        try
        {
            var primaryPort = FreeTcpPort.Pick();
            // A replica's full sync starts at once rather than after Redis' default 5 s wait for more replicas to join it.
            string[] syncAtOnce = ["--repl-diskless-sync-delay", "0"];
            var (_, primary) = await TestRedisServer.StartDedicatedRedisAsync(primaryPort, syncAtOnce);
            processes.Add(primary);
            var (replicaAddress, replica) = await TestRedisServer.StartDedicatedRedisAsync(null, [.. syncAtOnce, "--replicaof", "127.0.0.1", primaryPort.ToString()]);
            processes.Add(replica);
            var replicaPort = int.Parse(replicaAddress[(replicaAddress.LastIndexOf(':') + 1)..]);

            var sentinels = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                var config = Path.Combine(sentinelDirectory, $"sentinel-{i}.conf");
                await File.WriteAllTextAsync(config, $"""
                    sentinel monitor {Service} 127.0.0.1 {primaryPort} 2
                    sentinel down-after-milliseconds {Service} 1000
                    sentinel failover-timeout {Service} 5000
                    """);
                var (address, sentinel) = await TestRedisServer.StartDedicatedSentinelAsync(config);
                processes.Add(sentinel);
                sentinels.Add(address);
            }
            var sentinelOptions = new ConfigurationOptions { CommandMap = CommandMap.Sentinel, AbortOnConnectFail = false, AllowAdmin = true };
            foreach (var sentinel in sentinels) sentinelOptions.EndPoints.Add(sentinel);
            using var sentinelView = await ConnectionMultiplexer.ConnectAsync(sentinelOptions);
            // Every sentinel must know the others (for the quorum and the election) and the replica (to promote it).
            await WaitForAsync(TimeSpan.FromSeconds(30), "the sentinels to find each other and the replica", async () =>
            {
                foreach (var sentinel in sentinels)
                {
                    var master = (await sentinelView.GetServer(sentinel).SentinelMasterAsync(Service)).ToDictionary(p => p.Key, p => p.Value);
                    if (master["num-other-sentinels"] != "2" || master["num-slaves"] != "1") return false;
                }
                return true;
            });

            var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
            var settings = new Dictionary<string, string>
            {
                ["Redis:ConnectionString"] = $"{string.Join(",", sentinels)},serviceName={Service}",
                ["Redis:ConnectTimeoutMs"] = "2000",
                ["Redis:AcknowledgeAfterReplicas"] = replicas.ToString(),
                ["Redis:AcknowledgeTimeout"] = "00:00:01",
                ["Sessions:CommandTimeout"] = "00:00:02",
            };
            silos = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => SiloProcess.StartAsync($"silo-{i}", prefix, settings)));

            var acknowledged = new ConcurrentDictionary<string, string>(); // batch → its session
            var written = new ConcurrentDictionary<string, bool>(); // sessions with an acknowledged batch
            var readAnswers = new ConcurrentDictionary<string, int>(); // a read's answer (of a written session) → how many
            var refused = 0;
            var otherFailures = new ConcurrentBag<string>();
            using var stop = new CancellationTokenSource();
            long killedAt = 0;
            var servedAgain = silos.Select(_ => new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
            var giveUp = DateTime.UtcNow.AddMinutes(3);

            async Task WriteAsync(int writer)
            {
                var silo = writer % silos.Length;
                var session = $"s{writer}";
                for (var batch = 0; !stop.IsCancellationRequested; batch++)
                {
                    var operationId = $"w{writer}-b{batch}";
                    var body = Items.NumberedBatch(operationId, ItemsPerBatch, "u", operationId);
                    // Retried with its operation id until acknowledged: "acknowledged" and "stored" can then be compared.
                    while (DateTime.UtcNow < giveUp)
                    {
                        var sentAt = Stopwatch.GetTimestamp();
                        try
                        {
                            using var response = await silos[silo].Http.PostAsJsonAsync($"/v1/sessions/{session}/items", body);
                            if (response.IsSuccessStatusCode)
                            {
                                acknowledged[operationId] = session;
                                written[session] = true;
                                var killed = Volatile.Read(ref killedAt);
                                if (killed > 0 && sentAt > killed) servedAgain[silo].TrySetResult(Stopwatch.GetElapsedTime(killed));
                                break;
                            }
                            if (response.StatusCode == HttpStatusCode.ServiceUnavailable) Interlocked.Increment(ref refused);
                            else otherFailures.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                        }
                        catch (HttpRequestException)
                        {
                        }
                        catch (TaskCanceledException)
                        {
                        }
                        await Task.Delay(100);
                    }
                }
            }

            // Reads of sessions already written, through both silos all along: what they answer during the switch.
            async Task ReadAsync(SiloProcess silo)
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var session = $"s{n % Writers}";
                    if (!written.ContainsKey(session))
                    {
                        await Task.Delay(20);
                        continue;
                    }
                    string answer;
                    try
                    {
                        using var response = await silo.Http.GetAsync($"/v1/sessions/{session}/items?limit=1");
                        answer = ((int)response.StatusCode).ToString();
                    }
                    catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
                    {
                        answer = error.GetType().Name;
                    }
                    readAnswers.AddOrUpdate(answer, 1, (_, count) => count + 1);
                    if (answer != "200") await Task.Delay(50);
                }
            }

            var load = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteAsync(w)))
                .Concat(silos.Select(silo => Task.Run(() => ReadAsync(silo)))).ToList();
            await WaitForAsync(TimeSpan.FromSeconds(30), "the writers to get going", () => Task.FromResult(acknowledged.Count >= 200));
            primary.Kill(); // SIGKILL
            await primary.WaitForExitAsync();
            Volatile.Write(ref killedAt, Stopwatch.GetTimestamp());
            var acknowledgedBeforeKill = acknowledged.Count;

            await WaitForAsync(TimeSpan.FromSeconds(30), "Sentinel to promote the replica", async () =>
                (await Task.WhenAll(sentinels.Select(s => sentinelView.GetServer(s).SentinelGetMasterAddressByNameAsync(Service))))
                    .All(primaryOf => primaryOf is IPEndPoint { Port: var port } && port == replicaPort));
            var promoted = Stopwatch.GetElapsedTime(Volatile.Read(ref killedAt));
            (_, primary) = await TestRedisServer.StartDedicatedRedisAsync(primaryPort, [.. syncAtOnce, "--replicaof", "127.0.0.1", replicaPort.ToString()]);
            processes.Add(primary);

            var recovery = await Task.WhenAll(servedAgain.Select(s => s.Task.WaitAsync(TimeSpan.FromSeconds(60))));
            var afterRecovery = acknowledged.Count;
            await WaitForAsync(TimeSpan.FromSeconds(30), "load after the failover", () => Task.FromResult(acknowledged.Count >= afterRecovery + 200));
            await stop.CancelAsync();
            await Task.WhenAll(load).WaitAsync(TimeSpan.FromMinutes(2));

            // The same two silos, neither restarted, both active.
            foreach (var silo in silos) Assert.False(silo.HasExited, $"{silo.Name} runs on");
            var members = await silos[0].ClusterSilosAsync();
            Assert.Equal(silos.Select(s => s.Name).Order(), members.Select(m => m.GetProperty("name").GetString()!).Order());
            Assert.All(members, m => Assert.Equal("Active", m.GetProperty("status").GetString()));

            // What the primary holds, read directly, and what each silo serves of it. The primary is the one the sentinels
            // name now: the restarted old primary rejoining as a replica can make them fail over once more.
            var primaryAtEnd = 0;
            await WaitForAsync(TimeSpan.FromSeconds(30), "the sentinels to agree on the primary", async () =>
            {
                var named = (await Task.WhenAll(sentinels.Select(s => sentinelView.GetServer(s).SentinelGetMasterAddressByNameAsync(Service))))
                    .Select(primaryOf => (primaryOf as IPEndPoint)?.Port ?? 0).Distinct().ToList();
                primaryAtEnd = named is [var port] ? port : 0;
                return primaryAtEnd != 0;
            });
            using var newPrimary = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{primaryAtEnd}");
            var stored = new Dictionary<string, List<string>>();
            var disagreements = new List<string>();
            for (var w = 0; w < Writers; w++)
            {
                var session = $"s{w}";
                var entries = await newPrimary.GetDatabase().SortedSetRangeByRankAsync($"{prefix}:{{s:{session}}}:items");
                stored[session] = [.. entries.Select(e => JsonDocument.Parse(((string)e!).Split('|', 3)[2]).RootElement.GetProperty("content").GetString()!)];
                foreach (var silo in silos)
                {
                    var page = (await silo.Http.GetFromJsonAsync<ItemsPage>($"/v1/sessions/{session}/items", Json))!;
                    var served = page.Items.Select(i => i.Item.GetProperty("content").GetString()!).ToList();
                    if (!served.SequenceEqual(stored[session]))
                    {
                        disagreements.Add($"{silo.Name} serves {session} with {served.Count} items, the new primary holds {stored[session].Count}");
                    }
                }
            }
            var all = stored.Values.SelectMany(items => items).ToList();
            var present = all.ToHashSet();
            var lost = acknowledged.Keys.Where(batch => !present.Contains($"{batch}/0")).Order().ToList();
            var duplicated = all.GroupBy(c => c).Count(g => g.Count() > 1);

            output.WriteLine($"AcknowledgeAfterReplicas={replicas}: acknowledged batches {acknowledged.Count} ({acknowledgedBeforeKill} before the kill), " +
                $"lost {lost.Count}{(lost.Count > 0 ? $" ({string.Join(", ", lost.Take(10))})" : "")}, duplicated {duplicated}; " +
                $"all three sentinels name the replica primary {promoted.TotalSeconds:F1} s after the kill" +
                (primaryAtEnd == replicaPort ? "" : " (and the restarted old primary again by the end)") + "; first acknowledged append per silo " +
                $"{string.Join(" / ", recovery.Select(r => $"{r.TotalSeconds:F1}"))} s after the kill; 503 answers {refused}; " +
                $"reads of written sessions answered {string.Join(", ", readAnswers.OrderBy(a => a.Key).Select(a => $"{a.Key} ×{a.Value}"))}");

            if (!otherFailures.IsEmpty || disagreements.Count > 0)
            {
                foreach (var silo in silos) output.WriteLine($"{silo.Name}:\n{silo.Output[^Math.Min(silo.Output.Length, 20_000)..]}");
            }
            Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
            Assert.Equal(0, duplicated);
            // A session that exists is never reported missing, nor a failure other than "unavailable, retry".
            Assert.All(readAnswers.Keys, answer => Assert.Contains(answer, new[] { "200", "503" }));
            Assert.True(otherFailures.IsEmpty, string.Join("\n", otherFailures.Take(5)));
            Assert.All(recovery, r => Assert.True(r < ServeAgainBound, $"served again {r} after the kill"));
            return new Figures(acknowledged.Count, lost.Count);
        }
        catch
        {
            foreach (var silo in silos) output.WriteLine($"{silo.Name}:\n{silo.Output[^Math.Min(silo.Output.Length, 20_000)..]}");
            throw;
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
            foreach (var process in processes)
            {
                if (!process.HasExited) process.Kill();
                process.Dispose();
            }
            Directory.Delete(sentinelDirectory, recursive: true);
        }
    }

    private static async Task WaitForAsync(TimeSpan deadline, string what, Func<Task<bool>> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await done()) return;
            }
            catch (RedisException)
            {
            }
            if (clock.Elapsed > deadline) throw new TimeoutException($"Waited {deadline} for {what}.");
            await Task.Delay(50);
        }
    }
}
