using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using OrleansSessions.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace OrleansSessions.Tests;

/// <summary>Redis:AcknowledgeAfterReplicas against a real redis-server primary and a replica of it: an acknowledged
/// append is on the replica; one the replica cannot confirm in time answers 503 with Retry-After, and its retry with
/// the same operation id, once the replica is back, answers as the first would have and stores it once.</summary>
[Trait("Category", TestCategory.Process)]
public sealed class ReplicatedAcknowledgementTests(ITestOutputHelper output)
{
    private static readonly TimeSpan AcknowledgeTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task With_one_replica_required_an_acknowledged_append_is_on_the_replica()
    {
        await using var pair = await ReplicatedPair.StartAsync();
        await using var silo = Silo(pair.Primary, replicas: 1, out var prefix);
        var http = silo.CreateClient();

        for (var n = 0; n < 5; n++)
        {
            using var response = await http.PostAsJsonAsync("/v1/sessions/acked/items", Items.NumberedBatch($"b{n}", 2, "u", $"op-{n}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // No waiting: the acknowledgement itself says the replica has them.
        Assert.Equal(10, await pair.ReplicaDb.SortedSetLengthAsync($"{prefix}:{{s:acked}}:items"));
    }

    [Fact]
    public async Task Without_a_replica_to_confirm_an_append_answers_503_and_its_retry_is_stored_once()
    {
        await using var pair = await ReplicatedPair.StartAsync();
        await using var silo = Silo(pair.Primary, replicas: 1, out var prefix);
        var http = silo.CreateClient();
        using (var first = await http.PostAsJsonAsync("/v1/sessions/r/items", Items.NumberedBatch("first", 1, "u", "op-first")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        pair.PauseReplica(); // connected to the primary, but it confirms nothing
        var started = Stopwatch.StartNew();
        using (var refused = await http.PostAsJsonAsync("/v1/sessions/r/items", Items.NumberedBatch("second", 2, "u", "op-second")))
        {
            var took = started.Elapsed;
            pair.ResumeReplica();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.InRange(took, AcknowledgeTimeout, AcknowledgeTimeout + TimeSpan.FromSeconds(2));
            output.WriteLine($"503 after {took.TotalMilliseconds:F0} ms: {await refused.Content.ReadAsStringAsync()}");
        }

        // The write is on the primary; its retry is not stored again, and answers with the seqs it was given.
        using var retried = await http.PostAsJsonAsync("/v1/sessions/r/items", Items.NumberedBatch("second", 2, "u", "op-second"));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var ack = await retried.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((2, 3, 2), (ack.GetProperty("firstSeq").GetInt64(), ack.GetProperty("lastSeq").GetInt64(), ack.GetProperty("count").GetInt32()));

        var items = (await http.GetFromJsonAsync<JsonElement>("/v1/sessions/r/items")).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("item").GetProperty("content").GetString()).ToList();
        Assert.Equal(["first/0", "second/0", "second/1"], items);
        Assert.Equal(3, await pair.ReplicaDb.SortedSetLengthAsync($"{prefix}:{{s:r}}:items"));
    }

    [Fact]
    public async Task A_replica_wait_as_long_as_the_command_timeout_is_refused_at_start()
    {
        await using var silo = await SiloFactory.OnTestServerAsync(new()
        {
            ["Redis:AcknowledgeAfterReplicas"] = "1",
            ["Redis:AcknowledgeTimeout"] = "00:00:05",
            ["Sessions:CommandTimeout"] = "00:00:05",
        });
        var error = Assert.ThrowsAny<Exception>(() => silo.CreateClient());
        Assert.Contains("Redis:AcknowledgeTimeout", error.ToString());
        Assert.Contains("Sessions:CommandTimeout", error.ToString());
    }

    /// <summary>What a replicated acknowledgement costs: appends per second of 16 writers over HTTP, with 0 and with 1
    /// replica required, on the same primary and replica; every append acknowledged with 1 is on the replica.</summary>
    [Fact]
    public async Task Appends_per_second_with_and_without_a_replica_acknowledgement()
    {
        await using var pair = await ReplicatedPair.StartAsync();
        var rates = new Dictionary<int, double>();
        foreach (var replicas in new[] { 0, 1, 0, 1 })
        {
            await using var silo = Silo(pair.Primary, replicas, out var prefix);
            var http = silo.CreateClient();
            var (appends, seconds) = await AppendForAsync(http, TimeSpan.FromSeconds(3));
            rates[replicas] = Math.Max(rates.GetValueOrDefault(replicas), appends / seconds);
            if (replicas == 1)
            {
                var onReplica = 0L;
                for (var w = 0; w < Writers; w++) onReplica += await pair.ReplicaDb.SortedSetLengthAsync($"{prefix}:{{s:w{w}}}:items");
                Assert.Equal(appends, onReplica);
            }
        }
        output.WriteLine($"one-item appends/s, 16 writers over HTTP (best of two 3 s runs): AcknowledgeAfterReplicas=0 {rates[0]:F0}, =1 {rates[1]:F0} ({rates[1] / rates[0]:P0})");
        Assert.All(rates.Values, rate => Assert.True(rate > 0));
    }

    private const int Writers = 16;

    private static async Task<(long Appends, double Seconds)> AppendForAsync(HttpClient http, TimeSpan duration)
    {
        // Warm: every session exists and the code has run once.
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => http.PostAsJsonAsync($"/v1/sessions/w{w}/items", Items.NumberedBatch("warm", 1, "u", null))));
        long appends = Writers;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(async w =>
        {
            while (clock.Elapsed < duration)
            {
                using var response = await http.PostAsJsonAsync($"/v1/sessions/w{w}/items", Items.NumberedBatch("x", 1, "u", null));
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref appends);
            }
        }));
        return (appends, clock.Elapsed.TotalSeconds);
    }

    private static SiloFactory Silo(string primary, int replicas, out string prefix)
    {
        prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        return new SiloFactory(new()
        {
            ["Redis:ConnectionString"] = primary,
            ["Redis:AcknowledgeAfterReplicas"] = replicas.ToString(),
            ["Redis:AcknowledgeTimeout"] = AcknowledgeTimeout.ToString(),
            ["Sessions:CommandTimeout"] = "00:00:03",
            ["Sessions:KeyPrefix"] = prefix,
        });
    }

    /// <summary>A redis-server and a replica of it, linked.</summary>
    private sealed class ReplicatedPair : IAsyncDisposable
    {
        private readonly Process _primary;
        private readonly Process _replica;
        private readonly ConnectionMultiplexer _replicaConnection;

        private ReplicatedPair(string primary, Process primaryProcess, Process replica, ConnectionMultiplexer replicaConnection) =>
            (Primary, _primary, _replica, _replicaConnection) = (primary, primaryProcess, replica, replicaConnection);

        public string Primary { get; }

        /// <summary>The replica, read directly.</summary>
        public IDatabase ReplicaDb => _replicaConnection.GetDatabase();

        public static async Task<ReplicatedPair> StartAsync()
        {
            var (primary, primaryProcess) = await TestRedisServer.StartDedicatedRedisAsync();
            var port = primary[(primary.LastIndexOf(':') + 1)..];
            var (replica, replicaProcess) = await TestRedisServer.StartDedicatedRedisAsync(null, "--replicaof", "127.0.0.1", port);
            var connection = await ConnectionMultiplexer.ConnectAsync($"{replica},allowAdmin=true");
            var pair = new ReplicatedPair(primary, primaryProcess, replicaProcess, connection);
            using var linking = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while ((await connection.GetServer(replica).InfoRawAsync("replication"))?.Contains("master_link_status:up", StringComparison.Ordinal) != true)
            {
                await Task.Delay(50, linking.Token);
            }
            return pair;
        }

        /// <summary>SIGSTOP: the replica stays connected but confirms nothing.</summary>
        public void PauseReplica() => _ = SendSignal(_replica.Id, 19);

        public void ResumeReplica() => _ = SendSignal(_replica.Id, 18);

        public async ValueTask DisposeAsync()
        {
            ResumeReplica();
            await _replicaConnection.CloseAsync();
            _replicaConnection.Dispose();
            foreach (var process in new[] { _replica, _primary })
            {
                process.Kill();
                await process.WaitForExitAsync();
                process.Dispose();
            }
        }

        [DllImport("libc", EntryPoint = "kill")]
        private static extern int SendSignal(int pid, int signal);
    }
}
