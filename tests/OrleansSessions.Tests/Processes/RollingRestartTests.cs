using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using OrleansSessions.Tests.Infrastructure;
using Xunit.Abstractions;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>
/// A rolling restart as an orchestrator does one: each of three silos in turn gets SIGTERM under load and a
/// replacement is started once it has exited. Clients go through a balancer that sends only to silos whose readiness
/// probe passed in the last 400 ms (probed every 100 ms, as a load balancer would) and sends a connection refused or
/// dropped on accept on to another silo (as nginx does); clients follow Retry-After. No client sees a 5xx or a broken
/// connection, and every acknowledged batch is stored exactly once, whole, where its acknowledgement said.
/// </summary>
[Trait("Category", TestCategory.Process)]
[Collection(nameof(MultiSiloProcessTests))] // several silo processes; not beside the other process tests
public sealed class RollingRestartTests(ITestOutputHelper output)
{
    private const int Clients = 32;
    private const int Sessions = 8;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Restarting_every_silo_in_turn_under_load_gives_no_5xx_and_loses_no_acknowledged_write()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var silos = (await Task.WhenAll(Enumerable.Range(0, 3).Select(i => SiloProcess.StartAsync($"silo-{i}", prefix)))).ToList();
        var retired = new List<SiloProcess>(); // disposed at the end: a client may still hold one the balancer just dropped
        var acked = new ConcurrentDictionary<string, (string Session, AppendResult Ack)>();
        var failures = new ConcurrentBag<string>();
        var clock = Stopwatch.StartNew();
        var terminatedAt = new ConcurrentDictionary<string, TimeSpan>();
        // As a load balancer keeps it: when each silo last passed its readiness probe. A silo is sent requests only
        // while that is fresh, so a probe that is slow to come back (or a balancer that falls behind on a loaded
        // machine) takes the silo out instead of leaving it in on old news.
        var passedAt = new ConcurrentDictionary<SiloProcess, long>();
        var fresh = TimeSpan.FromMilliseconds(400);
        SiloProcess[] Ready()
        {
            var now = clock.Elapsed.Ticks;
            return [.. silos.ToArray().Where(silo => passedAt.TryGetValue(silo, out var at) && now - at < fresh.Ticks)];
        }
        // When a request to a silo that got SIGTERM failed, and when it was sent.
        string SinceTerminated(SiloProcess silo, TimeSpan sent) =>
            terminatedAt.TryGetValue(silo.Name, out var at)
                ? $" (failed {(clock.Elapsed - at).TotalMilliseconds:F0} ms after its SIGTERM, sent at {(sent - at).TotalMilliseconds:F0} ms)"
                : "";
        int retriedAfter = 0, movedOn = 0, noneReady = 0;
        using var stop = new CancellationTokenSource();
        try
        {
            var balancer = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await Task.WhenAll(silos.ToArray().Select(async silo =>
                    {
                        var probed = clock.Elapsed.Ticks;
                        try
                        {
                            using var timeout = new CancellationTokenSource(fresh);
                            if ((await silo.Http.GetAsync("/health/ready", timeout.Token)).IsSuccessStatusCode) passedAt[silo] = probed;
                        }
                        catch (Exception error) when (error is HttpRequestException or IOException or OperationCanceledException)
                        {
                            // stopped, or too slow to count as ready
                        }
                    }));
                    await Task.Delay(100);
                }
            });
            var clients = Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var operationId = $"c{c}-{n}";
                    var session = $"r{(c + n) % Sessions}";
                    while (true)
                    {
                        var targets = Ready();
                        if (targets.Length == 0)
                        {
                            if (stop.IsCancellationRequested) break; // the balancer has stopped probing: nothing is fresh any more
                            Interlocked.Increment(ref noneReady);
                            await Task.Delay(50);
                            continue;
                        }
                        var silo = targets[(c + n) % targets.Length];
                        var sent = clock.Elapsed;
                        try
                        {
                            using var response = await silo.Http.PostAsJsonAsync($"/v1/sessions/{session}/items", Items.NumberedBatch(operationId, 2, "rolling", operationId));
                            if (response.IsSuccessStatusCode)
                            {
                                acked[operationId] = (session, (await response.Content.ReadFromJsonAsync<AppendResult>(Json))!);
                                break;
                            }
                            failures.Add($"{silo.Name}{SinceTerminated(silo, sent)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                            if (response.Headers.RetryAfter?.Delta is not { } wait) break;
                            Interlocked.Increment(ref retriedAfter);
                            await Task.Delay(wait);
                        }
                        catch (HttpRequestException refused) when (refused.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.NotConnected })
                        {
                            // The request never reached a silo (the connection was refused, or closed as it was
                            // accepted): a balancer sends it to another one, as nginx's proxy_next_upstream does; no
                            // client sees it.
                            Interlocked.Increment(ref movedOn);
                            await Task.Delay(20);
                        }
                        catch (Exception error) when (error is HttpRequestException or IOException)
                        {
                            failures.Add($"{silo.Name}{SinceTerminated(silo, sent)}: {Describe(error)}");
                            break;
                        }
                    }
                }
            })).ToList();

            var restarts = new List<string>();
            await Task.Delay(1500);
            for (var i = 0; i < 3; i++)
            {
                var leaving = silos[i];
                var started = Stopwatch.StartNew();
                terminatedAt[leaving.Name] = clock.Elapsed;
                leaving.Terminate();
                await leaving.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
                var exited = started.Elapsed;
                Assert.Equal(0, leaving.ExitCode);
                silos[i] = await SiloProcess.StartAsync($"silo-{i + 3}", prefix);
                restarts.Add($"{leaving.Name} exited {exited.TotalSeconds:F1} s after SIGTERM, {silos[i].Name} ready {started.Elapsed.TotalSeconds:F1} s after");
                retired.Add(leaving);
                await Task.Delay(1000);
            }
            await stop.CancelAsync();
            await Task.WhenAll(clients.Append(balancer)).WaitAsync(TimeSpan.FromSeconds(60)); // a client stuck in a loop fails the test, not the run

            foreach (var session in acked.Values.Select(a => a.Session).Distinct())
            {
                var page = (await silos[0].Http.GetFromJsonAsync<ItemsPage>($"/v1/sessions/{session}/items", Json))!;
                var contents = page.Items.Select(i => i.Item.GetProperty("content").GetString()!).ToList();
                var mine = acked.Where(a => a.Value.Session == session).ToList();
                Assert.Equal(mine.Count * 2, contents.Count);                   // nothing lost, nothing stored that was not acknowledged
                Assert.Equal(contents.Count, contents.Distinct().Count());      // nothing twice
                foreach (var (operationId, (_, ack)) in mine)
                {
                    Assert.Equal([$"{operationId}/0", $"{operationId}/1"], contents.Skip((int)ack.FirstSeq - 1).Take(2));
                }
            }
            output.WriteLine($"{acked.Count} batches acknowledged through a rolling restart of 3 silos with {Clients} clients; " +
                $"{failures.Count} failed requests; {retriedAfter} waits on Retry-After; {movedOn} refused connections sent on to another silo; {noneReady} waits for a silo with a fresh probe\n{string.Join("\n", restarts)}\n" +
                string.Join("\n", retired.SelectMany(silo => silo.Output.Split('\n').Where(line => line.Contains("in flight")).Select(line => $"{silo.Name}: {line.Trim()}"))));
            Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)) + string.Concat(retired
                .Where(silo => failures.Any(f => f.StartsWith(silo.Name + " ", StringComparison.Ordinal)))
                .Select(silo => $"\n--- {silo.Name}'s log ---\n{silo.Output}")));
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var silo in silos.Concat(retired)) await silo.DisposeAsync();
        }
    }

    private static string Describe(Exception error) =>
        string.Join(" <- ", Chain(error).Select(e => e is SocketException socket ? $"SocketException {socket.SocketErrorCode}" : $"{e.GetType().Name}: {e.Message}"));

    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException) yield return e;
    }
}
