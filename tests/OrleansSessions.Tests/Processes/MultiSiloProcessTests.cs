using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OrleansSessions.Tests.Infrastructure;
using Xunit.Abstractions;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>Silo processes on one Redis, hammered through all of them, one killed with SIGKILL mid-load.</summary>
[Trait("Category", TestCategory.Process)]
[Collection(nameof(MultiSiloProcessTests))] // each test runs several silo processes; not beside the others
public sealed class MultiSiloProcessTests(ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static async Task<AppendResult?> TryAppendAsync(SiloProcess silo, string session, object body)
    {
        try
        {
            var response = await silo.Http.PostAsJsonAsync($"/v1/sessions/{session}/items", body);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<AppendResult>(Json) : null;
        }
        catch (Exception error) when (error is HttpRequestException or IOException or TaskCanceledException)
        {
            return null; // the silo died under the request: the caller retries elsewhere with the same operation id
        }
    }

    private static async Task<SessionInfo?> TryGetInfoAsync(SiloProcess silo, string session)
    {
        try
        {
            return await silo.Http.GetFromJsonAsync<SessionInfo>($"/v1/sessions/{session}", Json);
        }
        catch (Exception error) when (error is HttpRequestException or IOException or TaskCanceledException)
        {
            return null; // killed meanwhile (also while its answer was being read: "the response ended prematurely")
        }
    }

    [Fact]
    public async Task Hammering_one_session_through_three_silos_while_one_is_killed_loses_and_duplicates_nothing()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var silos = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => SiloProcess.StartAsync($"silo-{i}", prefix)));
        try
        {
            const string Session = "torture";
            const int Writers = 48, BatchesEach = 6;
            var acked = new ConcurrentDictionary<string, (AppendResult Ack, string[] Contents)>();
            var retries = 0;
            var replays = 0;
            var killed = new TaskCompletionSource();
            var done = 0;

            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                var random = new Random(w);
                for (var b = 0; b < BatchesEach; b++)
                {
                    var operationId = $"w{w}-b{b}";
                    var contents = Enumerable.Range(0, random.Next(1, 4)).Select(i => $"{operationId}-i{i}").ToArray();
                    var body = new { items = contents.Select(c => new { role = "user", content = c }), operationId, userId = "torturer" };
                    AppendResult? ack = null;
                    for (var attempt = 0; ack is null; attempt++)
                    {
                        if (attempt > 0) Interlocked.Increment(ref retries);
                        ack = await TryAppendAsync(silos[(w + attempt) % 3], Session, body);
                    }
                    // The same request through another live silo must answer the same sequence numbers, and a read
                    // there must already see the write (read-your-writes across silos).
                    var other = silos.Where(s => !s.HasExited).ElementAt((w + b) % silos.Count(s => !s.HasExited));
                    if (await TryAppendAsync(other, Session, body) is { } replay)
                    {
                        Interlocked.Increment(ref replays);
                        Assert.Equal(ack, replay);
                        if (await TryGetInfoAsync(other, Session) is { } seen)
                        {
                            Assert.True(seen.LastSeq >= ack.LastSeq, $"{other.Name} saw lastSeq {seen.LastSeq} after {ack.LastSeq} was acknowledged");
                        }
                    }
                    acked[operationId] = (ack, contents);
                    if (Interlocked.Increment(ref done) == Writers * BatchesEach / 3) killed.TrySetResult();
                }
            })).ToList();

            await killed.Task;
            silos[0].Kill();
            await Task.WhenAll(writers);
            var survivors = silos.Skip(1).ToArray();

            var page = await survivors[0].Http.GetFromJsonAsync<ItemsPage>($"/v1/sessions/{Session}/items", Json);
            var stored = page!.Items.ToDictionary(i => i.Seq, i => i.Item.GetProperty("content").GetString()!);
            var expected = acked.Values.Sum(a => a.Contents.Length);
            Assert.Equal(expected, page.Items.Count);                                          // nothing lost
            Assert.Equal(expected, stored.Values.Distinct().Count());                          // nothing duplicated
            Assert.Equal(Enumerable.Range(1, expected).Select(i => (long)i), page.Items.Select(i => i.Seq)); // one order, no gaps
            foreach (var (ack, contents) in acked.Values)
            {
                for (var i = 0; i < contents.Length; i++) Assert.Equal(contents[i], stored[ack.FirstSeq + i]);  // contiguous batches
            }
            foreach (var (operationId, (ack, contents)) in acked.Take(20))
            {
                var body = new { items = contents.Select(c => new { role = "user", content = c }), operationId, userId = "torturer" };
                foreach (var silo in survivors) Assert.Equal(ack, await TryAppendAsync(silo, Session, body));
            }

            var newest = await survivors[1].Http.GetFromJsonAsync<ItemsPage>($"/v1/sessions/{Session}/items?limit=7", Json);
            Assert.Equal(page.Items.TakeLast(7).Select(i => i.Seq), newest!.Items.Select(i => i.Seq));

            var popped = new ConcurrentBag<long>();
            await Task.WhenAll(Enumerable.Range(0, 24).Select(p => Task.Run(async () =>
            {
                for (var i = 0; i < 5; i++)
                {
                    var response = await survivors[p % 2].Http.PostAsync($"/v1/sessions/{Session}/items/pop", null);
                    if (response.StatusCode == HttpStatusCode.OK) popped.Add((await response.Content.ReadFromJsonAsync<StoredItem>(Json))!.Seq);
                }
            })));
            Assert.Equal(120, popped.Count);
            Assert.Equal(120, popped.Distinct().Count());                                      // claim-once pops
            var after = await survivors[0].Http.GetFromJsonAsync<ItemsPage>($"/v1/sessions/{Session}/items", Json);
            Assert.Equal(expected - 120, after!.Items.Count);
            Assert.Empty(after.Items.Select(i => i.Seq).Intersect(popped));

            output.WriteLine($"silos: 3, killed: 1 (SIGKILL after {Writers * BatchesEach / 3} batches); writers: {Writers}; " +
                $"operations: {acked.Count}; items: {expected}; retries after the kill: {retries}; cross-silo replays: {replays}; " +
                $"lost: {expected - page.Items.Count}; duplicated: {page.Items.Count - stored.Values.Distinct().Count()}");
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task Sigterm_fails_readiness_first_finishes_what_it_acknowledged_and_another_silo_takes_over()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var draining = await SiloProcess.StartAsync("draining", prefix, new() { ["Silo:ShutdownDrainDelay"] = "00:00:02" });
        await using var other = await SiloProcess.StartAsync("other", prefix);
        await using var _ = draining;
        var acked = new ConcurrentBag<(AppendResult Ack, string Content)>();
        var failures = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();

        // A load balancer that probes readiness every 100 ms: half the writers go to the draining silo while it is
        // ready, the rest (and all once it is not) to the other. Every request must succeed, wherever it went.
        var drainingReady = true;
        var balancer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    drainingReady = (await draining.Http.GetAsync("/health/ready")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    drainingReady = false;
                }
                await Task.Delay(100);
            }
        });
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var content = $"w{w}-{n}";
                var body = new { items = new[] { new { role = "user", content } }, operationId = content, userId = "u" };
                var silo = drainingReady && w % 2 == 0 ? draining : other;
                try
                {
                    var response = await silo.Http.PostAsJsonAsync("/v1/sessions/graceful/items", body);
                    if (response.IsSuccessStatusCode) acked.Add(((await response.Content.ReadFromJsonAsync<AppendResult>(Json))!, content));
                    else failures.Add($"{silo.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
                catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
                {
                    failures.Add($"{silo.Name}: {error.GetType().Name}: {error.Message} {error.InnerException?.Message}");
                }
            }
        })).ToList();

        await Task.Delay(500);
        draining.Terminate();
        var sawNotReady = false;
        var servedWhileNotReady = false;
        using (var poll = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            while (!poll.IsCancellationRequested && !sawNotReady)
            {
                try
                {
                    sawNotReady = (await draining.Http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable;
                    servedWhileNotReady = sawNotReady && (await draining.Http.GetAsync("/v1/sessions/graceful")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    break;
                }
            }
        }
        await draining.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        await Task.Delay(300);
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        await balancer;

        Assert.True(sawNotReady, "readiness failed before the silo stopped");
        Assert.True(servedWhileNotReady, "requests were still served while draining");
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)) + "\n" + other.Output + "\n" + draining.Output);
        var page = await other.Http.GetFromJsonAsync<ItemsPage>("/v1/sessions/graceful/items", Json);
        var stored = page!.Items.Select(i => i.Item.GetProperty("content").GetString()).ToHashSet();
        Assert.All(acked, a => Assert.Contains(a.Content, stored));
        Assert.Equal(acked.Count, page.Items.Count);
        output.WriteLine($"acknowledged {acked.Count} appends across the SIGTERM; all present, none twice");
    }

    [Fact]
    public async Task A_request_still_in_flight_when_the_drain_delay_ends_is_finished_before_the_silo_stops()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var silo = await SiloProcess.StartAsync("draining", prefix, new() { ["Silo:ShutdownDrainDelay"] = "00:00:01" });
        await using var _ = silo;
        await using var other = await SiloProcess.StartAsync("other", prefix);

        // An append whose body arrives in two parts, the second a second after the drain delay ended: the request is
        // in flight (its handler reading the body) all through the drain.
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { items = new[] { new { role = "user", content = "late" } }, userId = "u", operationId = "late-1" }));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(silo.Address.Host, silo.Address.Port);
        var connection = tcp.GetStream();
        await connection.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /v1/sessions/late/items HTTP/1.1\r\nHost: {silo.Address.Authority}\r\nX-Api-Key: {TestAuth.TenantKey}\r\n" +
            $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n"));
        await connection.WriteAsync(body.AsMemory(0, 10));
        await Task.Delay(300);
        var stopping = System.Diagnostics.Stopwatch.StartNew();
        silo.Terminate();
        await Task.Delay(2000);
        Assert.False(silo.HasExited, "the silo stopped with a request in flight");
        await connection.WriteAsync(body.AsMemory(10));
        var response = await new StreamReader(connection).ReadToEndAsync(); // the silo closes the connection once it stops
        await silo.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        var exited = stopping.Elapsed;

        output.WriteLine($"answered across the drain: {response.Split("\r\n")[0]}; the silo exited {exited.TotalMilliseconds:F0} ms after SIGTERM");
        Assert.StartsWith("HTTP/1.1 200", response);
        Assert.Equal(0, silo.ExitCode);
        Assert.Contains("A request in flight when the drain delay ended finished: POST /v1/sessions/late/items 200", silo.Output);
        var stored = await other.Http.GetFromJsonAsync<ItemsPage>("/v1/sessions/late/items", Json);
        Assert.Equal(["late"], stored!.Items.Select(i => i.Item.GetProperty("content").GetString()));
    }

    [Fact]
    public async Task Sigterm_ends_open_event_streams_at_once_and_stops_after_the_drain_delay_not_the_host_timeout()
    {
        var silo = await SiloProcess.StartAsync("streaming", "t" + Guid.NewGuid().ToString("N")[..12], new() { ["Silo:ShutdownDrainDelay"] = "00:00:02" });
        await using var _ = silo;
        (await silo.Http.PostAsJsonAsync("/v1/sessions/watched/items", new { items = new[] { new { x = 1 } }, userId = "u" })).EnsureSuccessStatusCode();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/sessions/watched/events");
        using var response = await silo.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        silo.Terminate();
        var buffer = new byte[1024];
        while (await stream.ReadAsync(buffer) > 0)
        {
        }
        var streamEnded = stopping.Elapsed;
        await silo.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        var exited = stopping.Elapsed;

        output.WriteLine($"stream ended {streamEnded.TotalMilliseconds:F0} ms after SIGTERM; process exited after {exited.TotalMilliseconds:F0} ms (drain delay 2 s)");
        Assert.True(streamEnded < TimeSpan.FromSeconds(1), $"the stream ended only after {streamEnded}");
        Assert.True(exited < TimeSpan.FromSeconds(10), $"the silo took {exited} to stop");
        Assert.False(silo.Output.Contains("ObjectDisposedException") || silo.Output.Contains("fail:"), silo.Output);
    }

    [Fact]
    public async Task The_cluster_route_lists_orleans_membership_and_drops_dead_silos()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        await using var a = await SiloProcess.StartAsync("silo-a", prefix);
        await using var b = await SiloProcess.StartAsync("silo-b", prefix);
        await using var c = await SiloProcess.StartAsync("silo-c", prefix);
        await a.Http.PostAsJsonAsync("/v1/sessions/s1/items", new { items = new[] { new { x = 1 } }, userId = "u" });

        var silos = await a.ClusterSilosAsync();
        Assert.Equal(["silo-a", "silo-b", "silo-c"], silos.Select(s => s.GetProperty("name").GetString()));
        Assert.All(silos, s => Assert.Equal("Active", s.GetProperty("status").GetString()));
        Assert.All(silos, s => Assert.Matches(@"^127\.0\.0\.1:\d+$", s.GetProperty("address").GetString()));
        Assert.Equal(1, silos[0].GetProperty("activations").GetInt32()); // s1, placed where it was first called

        // The membership lives in Redis, under the service and cluster ids.
        var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync((await TestRedisServer.GetAsync()).ConnectionString);
        Assert.True(await redis.GetDatabase().KeyExistsAsync($"orleans-sessions/members/{prefix}"));
        await redis.CloseAsync();

        var stopped = System.Diagnostics.Stopwatch.StartNew();
        b.Kill();       // declared dead by the others after the missed probes
        c.Terminate();  // leaves on its way out, after its drain delay
        var remaining = silos;
        while (stopped.Elapsed < TimeSpan.FromSeconds(20) && remaining.Count > 1)
        {
            await Task.Delay(100);
            remaining = await a.ClusterSilosAsync();
        }
        Assert.Equal(["silo-a"], remaining.Select(s => s.GetProperty("name").GetString()));
        output.WriteLine($"silo-b (SIGKILL) and silo-c (SIGTERM) gone from the membership after {stopped.ElapsedMilliseconds} ms");
    }
}
