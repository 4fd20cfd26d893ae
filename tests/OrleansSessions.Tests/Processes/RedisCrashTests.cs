using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansSessions.Silo.Cluster;
using OrleansSessions.Tests.Infrastructure;
using Xunit.Abstractions;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>
/// redis-server SIGKILLed under two silo processes in load, and started again on the same port. With an append-only
/// file fsynced on every write (appendfsync always): the silos fail fast meanwhile (503 with Retry-After, not ready,
/// still live), keep their membership and serve again within 5 s of Redis returning, read nothing stale afterwards,
/// and every acknowledged batch is stored exactly once, whole. Without persistence (the membership table is gone):
/// every silo stops with exit code 1 and says why, so an orchestrator starts it again into a new table.
/// </summary>
[Trait("Category", TestCategory.Process)]
[Collection(nameof(MultiSiloProcessTests))] // several silo processes; not beside the other process tests
public sealed class RedisCrashTests(ITestOutputHelper output)
{
    private const int Writers = 16;
    private const int Sessions = 4;
    private const int ItemsPerBatch = 3;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(1);

    private sealed record Read(string Session, long StartedAt, IReadOnlySet<string> Seen);

    [Fact]
    public async Task Kill_9_of_a_redis_with_its_append_only_file_loses_nothing_and_every_silo_serves_within_five_seconds()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("aof-").FullName;
        var port = FreeTcpPort.Pick();
        string[] durable = ["--appendonly", "yes", "--appendfsync", "always", "--dir", dataDirectory];
        var (address, redis) = await TestRedisServer.StartDedicatedRedisAsync(port, durable);
        var silos = await StartSilosAsync(address);
        try
        {
            var acknowledged = new ConcurrentDictionary<string, (string Session, long At)>(); // batch → its session, when its ack arrived
            var reads = new ConcurrentBag<Read>();
            var unavailable = new ConcurrentBag<(TimeSpan Took, bool RetryAfter)>();
            var otherFailures = new ConcurrentBag<string>();
            using var stop = new CancellationTokenSource();
            long restartedAt = 0;
            var servedAgain = silos.Select(_ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();

            async Task WriteAsync(int writer)
            {
                var silo = silos[writer % silos.Length];
                for (var batch = 0; !stop.IsCancellationRequested; batch++)
                {
                    var operationId = $"w{writer}-b{batch}";
                    var body = Items.NumberedBatch(operationId, ItemsPerBatch, "u", operationId);
                    // One batch is retried with its operation id until acknowledged, so "sent" and "stored" can be compared.
                    while (true)
                    {
                        var started = Stopwatch.StartNew();
                        using var response = await silo.Http.PostAsJsonAsync($"/v1/sessions/s{writer % Sessions}/items", body);
                        if (response.IsSuccessStatusCode)
                        {
                            acknowledged[operationId] = ($"s{writer % Sessions}", Stopwatch.GetTimestamp());
                            if (Volatile.Read(ref restartedAt) > 0) servedAgain[writer % silos.Length].TrySetResult(Stopwatch.GetTimestamp());
                            break;
                        }
                        if (response.StatusCode == HttpStatusCode.ServiceUnavailable) unavailable.Add((started.Elapsed, response.Headers.RetryAfter is not null));
                        else otherFailures.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                        await Task.Delay(50);
                    }
                }
            }

            async Task ReadAsync(SiloProcess silo)
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var session = $"s{n % Sessions}";
                    var started = Stopwatch.GetTimestamp();
                    using var response = await silo.Http.GetAsync($"/v1/sessions/{session}/items");
                    if (response.IsSuccessStatusCode)
                    {
                        var page = (await response.Content.ReadFromJsonAsync<ItemsPage>(Json))!;
                        reads.Add(new Read(session, started, page.Items.Select(i => i.Item.GetProperty("content").GetString()!).ToHashSet()));
                    }
                    else
                    {
                        await Task.Delay(50);
                    }
                }
            }

            var load = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteAsync(w)))
                .Concat(silos.Select(silo => Task.Run(() => ReadAsync(silo)))).ToList();
            await Task.Delay(2000);
            redis.Kill(); // SIGKILL
            await redis.WaitForExitAsync();
            var killedAt = Stopwatch.GetTimestamp();
            var ackedBeforeKill = acknowledged.Count;

            await Task.Delay(2000);
            foreach (var silo in silos)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, (await silo.Http.GetAsync("/health/ready")).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/health/live")).StatusCode);
            }

            (_, redis) = await TestRedisServer.StartDedicatedRedisAsync(port, durable);
            Volatile.Write(ref restartedAt, Stopwatch.GetTimestamp());
            var recovered = await Task.WhenAll(servedAgain.Select(s => s.Task.WaitAsync(TimeSpan.FromSeconds(30))));
            var recovery = recovered.Select(at => Stopwatch.GetElapsedTime(restartedAt, at)).ToList();
            await Task.Delay(3000); // load after the restart, with the silos' memory in use again
            await stop.CancelAsync();
            await Task.WhenAll(load).WaitAsync(TimeSpan.FromSeconds(30));

            // Still one cluster of the same two silos, both ready, neither restarted.
            foreach (var silo in silos)
            {
                Assert.False(silo.HasExited, $"{silo.Name} runs on");
                Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/health/ready")).StatusCode);
            }
            var members = await silos[0].ClusterSilosAsync();
            Assert.Equal(silos.Select(s => s.Name).Order(), members.Select(m => m.GetProperty("name").GetString()!).Order());
            Assert.All(members, m => Assert.Equal("Active", m.GetProperty("status").GetString()));

            var stored = new List<string>();
            for (var session = 0; session < Sessions; session++)
            {
                var page = (await silos[session % silos.Length].Http.GetFromJsonAsync<ItemsPage>($"/v1/sessions/s{session}/items", Json))!;
                var contents = page.Items.Select(i => i.Item.GetProperty("content").GetString()!).ToList();
                // Whole batches only, each one's items contiguous and in order.
                for (var i = 0; i < contents.Count; i += ItemsPerBatch)
                {
                    var batch = contents[i][..contents[i].LastIndexOf('/')];
                    Assert.Equal(Enumerable.Range(0, ItemsPerBatch).Select(n => $"{batch}/{n}"), contents.Skip(i).Take(ItemsPerBatch));
                }
                stored.AddRange(contents);
            }
            var storedCounts = stored.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
            var lost = acknowledged.Keys.Count(batch => !storedCounts.ContainsKey($"{batch}/0"));
            var duplicated = storedCounts.Count(c => c.Value > 1);
            // No read that began after a batch was acknowledged lacks it, before the crash or after.
            var stale = reads.SelectMany(r => acknowledged.Where(a => a.Value.Session == r.Session && a.Value.At < r.StartedAt && !r.Seen.Contains($"{a.Key}/0"))
                .Select(a => $"a read of {r.Session} without {a.Key}")).ToList();
            var leaseRenewedAgain = silos.Count(s => s.Output.Contains("read lease is renewed again", StringComparison.Ordinal));

            output.WriteLine($"acknowledged batches: {acknowledged.Count} ({ackedBeforeKill} before the kill), items stored: {stored.Count}, lost: {lost}, duplicated: {duplicated}; " +
                $"{reads.Count} reads, {stale.Count} stale");
            output.WriteLine($"503 answers during the outage: {unavailable.Count}, slowest {unavailable.Select(u => u.Took).DefaultIfEmpty().Max().TotalMilliseconds:F0} ms; " +
                $"outage {Stopwatch.GetElapsedTime(killedAt, restartedAt).TotalSeconds:F1} s; first acknowledged append per silo " +
                $"{string.Join(" / ", recovery.Select(r => $"{r.TotalMilliseconds:F0}"))} ms after redis-server started again; read lease renewed again on {leaseRenewedAgain} of {silos.Length} silos");

            Assert.Equal(0, lost);
            Assert.Equal(0, duplicated);
            Assert.Equal(acknowledged.Count * ItemsPerBatch, stored.Count); // every stored batch was retried to its ack
            Assert.True(stale.Count == 0, string.Join("\n", stale.Take(10)));
            Assert.NotEmpty(unavailable);
            Assert.All(unavailable, u => Assert.True(u.RetryAfter, "every 503 carries Retry-After"));
            Assert.True(unavailable.Max(u => u.Took) < CommandTimeout + TimeSpan.FromSeconds(2), $"a 503 took {unavailable.Max(u => u.Took)}");
            Assert.Empty(otherFailures);
            Assert.All(recovery, r => Assert.True(r < TimeSpan.FromSeconds(5), $"served again {r} after Redis returned"));
            Assert.Equal(silos.Length, leaseRenewedAgain);
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
            if (!redis.HasExited) redis.Kill();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task When_redis_returns_empty_every_silo_stops_with_exit_code_1_and_says_why()
    {
        var port = FreeTcpPort.Pick();
        var (address, redis) = await TestRedisServer.StartDedicatedRedisAsync(port); // no persistence
        var silos = await StartSilosAsync(address);
        try
        {
            for (var s = 0; s < Sessions; s++)
            {
                (await silos[s % silos.Length].Http.PostAsJsonAsync($"/v1/sessions/e{s}/items",
                    new { items = new[] { new { role = "user", content = "before" } }, userId = "u" })).EnsureSuccessStatusCode();
            }

            redis.Kill();
            await redis.WaitForExitAsync();
            (_, redis) = await TestRedisServer.StartDedicatedRedisAsync(port);
            var restarted = Stopwatch.StartNew();

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await Task.WhenAll(silos.Select(s => s.WaitForExitAsync(deadline.Token)));
            }
            catch (OperationCanceledException)
            {
                foreach (var silo in silos) output.WriteLine($"{silo.Name} (exited: {silo.HasExited}):\n{silo.Output}");
                throw;
            }
            var stoppedAfter = restarted.Elapsed;

            Assert.True(stoppedAfter < TimeSpan.FromSeconds(20), $"stopped {stoppedAfter} after Redis returned empty");
            foreach (var silo in silos)
            {
                Assert.Equal(1, silo.ExitCode);
                Assert.Contains("is no longer in the cluster's membership table", silo.Output, StringComparison.Ordinal);
            }
            output.WriteLine($"both silos stopped with exit code 1 within {stoppedAfter.TotalMilliseconds:F0} ms of an empty redis-server starting");
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
            if (!redis.HasExited) redis.Kill();
        }
    }

    private static async Task<SiloProcess[]> StartSilosAsync(string redis)
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var settings = new Dictionary<string, string>
        {
            ["Redis:ConnectionString"] = redis,
            ["Redis:ConnectTimeoutMs"] = "1000",
            ["Sessions:CommandTimeout"] = CommandTimeout.ToString(),
        };
        return await Task.WhenAll(Enumerable.Range(0, 2).Select(i => SiloProcess.StartAsync($"silo-{i}", prefix, settings)));
    }
}
