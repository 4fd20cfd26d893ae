using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using OrleansSessions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansSessions.Tests;

/// <summary>
/// redis-server with an append-only file fsynced on every write (appendfsync always), SIGKILLed mid-load and started
/// again: the silo fails fast meanwhile (503 with Retry-After, not ready, still live), recovers by itself, and every
/// acknowledged batch is stored exactly once, whole.
/// </summary>
public sealed class RedisCrashTests(ITestOutputHelper output)
{
    private const int Writers = 16;
    private const int ItemsPerBatch = 3;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Kill_9_of_redis_mid_load_loses_and_duplicates_no_acknowledged_item_and_service_recovers()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("aof-").FullName;
        var port = TestRedisServer.FreePort();
        string[] durable = ["--appendonly", "yes", "--appendfsync", "always", "--dir", dataDirectory];
        var (address, redis) = await TestRedisServer.StartDedicatedRedisAsync(port, durable);
        try
        {
            await using var silo = new SiloFactory(new()
            {
                ["Redis:ConnectionString"] = address,
                ["Redis:ConnectTimeoutMs"] = "1000",
                ["Sessions:KeyPrefix"] = "crash",
                ["Sessions:CommandTimeout"] = CommandTimeout.ToString(),
            });
            var http = silo.CreateClient();
            var acknowledged = new ConcurrentBag<(int Writer, int Batch)>();
            var unavailable = new ConcurrentBag<(TimeSpan Took, bool RetryAfter)>();
            var otherFailures = new ConcurrentBag<string>();
            using var stop = new CancellationTokenSource();
            DateTime? restartedAt = null;
            var firstSuccessAfterRestart = new TaskCompletionSource<DateTime>(TaskCreationOptions.RunContinuationsAsynchronously);

            async Task WriteAsync(int writer)
            {
                for (var batch = 0; !stop.IsCancellationRequested; batch++)
                {
                    var items = Enumerable.Range(0, ItemsPerBatch).Select(i => new { role = "user", content = $"{writer}/{batch}/{i}" });
                    var body = JsonSerializer.Serialize(new { items, operationId = $"w{writer}-b{batch}", userId = "u" });
                    // One batch is retried with its operation id until acknowledged, so "sent" and "stored" can be compared.
                    while (true)
                    {
                        var started = Stopwatch.StartNew();
                        using var response = await http.PostAsync($"/v1/sessions/w{writer % 4}/items", new StringContent(body, Encoding.UTF8, "application/json"));
                        if (response.IsSuccessStatusCode)
                        {
                            acknowledged.Add((writer, batch));
                            if (restartedAt is not null) firstSuccessAfterRestart.TrySetResult(DateTime.UtcNow);
                            break;
                        }
                        if (response.StatusCode == HttpStatusCode.ServiceUnavailable) unavailable.Add((started.Elapsed, response.Headers.RetryAfter is not null));
                        else otherFailures.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                        await Task.Delay(50);
                    }
                }
            }

            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteAsync(w))).ToList();
            await Task.Delay(1500);
            redis.Kill(); // SIGKILL
            await redis.WaitForExitAsync();
            var killedAt = DateTime.UtcNow;
            var ackedBeforeKill = acknowledged.Count;

            await Task.Delay(2000);
            var ready = await http.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);

            (_, redis) = await TestRedisServer.StartDedicatedRedisAsync(port, durable);
            restartedAt = DateTime.UtcNow;
            var recoveredAt = await firstSuccessAfterRestart.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var recovery = recoveredAt - restartedAt.Value;
            await Task.Delay(1000);
            stop.Cancel();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);

            var stored = new List<string>();
            for (var session = 0; session < 4; session++)
            {
                var page = JsonDocument.Parse(await http.GetStringAsync($"/v1/sessions/w{session}/items")).RootElement.GetProperty("items");
                var contents = page.EnumerateArray().Select(i => i.GetProperty("item").GetProperty("content").GetString()!).ToList();
                // Whole batches only, each one's items contiguous and in order.
                for (var i = 0; i < contents.Count; i += ItemsPerBatch)
                {
                    var batch = contents.Skip(i).Take(ItemsPerBatch).ToList();
                    var key = batch[0][..batch[0].LastIndexOf('/')];
                    Assert.Equal(Enumerable.Range(0, ItemsPerBatch).Select(n => $"{key}/{n}"), batch);
                }
                stored.AddRange(contents);
            }
            var ackedItems = acknowledged.SelectMany(a => Enumerable.Range(0, ItemsPerBatch).Select(i => $"{a.Writer}/{a.Batch}/{i}")).ToList();
            var storedCounts = stored.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
            var lost = ackedItems.Count(i => !storedCounts.ContainsKey(i));
            var duplicated = storedCounts.Count(c => c.Value > 1);
            output.WriteLine($"acknowledged items: {ackedItems.Count} ({ackedBeforeKill * ItemsPerBatch} before the kill), stored: {stored.Count}, lost: {lost}, duplicated: {duplicated}");
            output.WriteLine($"503 answers during the outage: {unavailable.Count}, slowest {unavailable.Select(u => u.Took).DefaultIfEmpty().Max().TotalMilliseconds:F0} ms; "
                + $"outage {(restartedAt.Value - killedAt).TotalSeconds:F1} s; first acknowledged append {recovery.TotalMilliseconds:F0} ms after redis-server started again");

            Assert.Equal(0, lost);
            Assert.Equal(0, duplicated);
            Assert.Equal(ackedItems.Count, stored.Count); // nothing stored that no writer was told of, either: every batch was retried to its ack
            Assert.NotEmpty(unavailable);
            Assert.All(unavailable, u => Assert.True(u.RetryAfter, "every 503 carries Retry-After"));
            Assert.True(unavailable.Max(u => u.Took) < CommandTimeout + TimeSpan.FromSeconds(2), $"a 503 took {unavailable.Max(u => u.Took)}");
            Assert.Empty(otherFailures);
            Assert.True(recovery < TimeSpan.FromSeconds(10), $"recovered {recovery} after Redis returned");
        }
        finally
        {
            if (!redis.HasExited) redis.Kill();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
