using System.Net;
using System.Text;
using System.Text.Json;
using OrleansSessions.Silo.Cluster;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>When its Redis goes away or stalls the silo stays up and answers 503 problems with Retry-After, never a 500.</summary>
[Trait("Category", TestCategory.Process)]
public sealed class UnavailableStoreTests
{
    /// <summary>Sends until the answer is not a 503, waiting as Retry-After says, as a client does: on a loaded machine
    /// a call can miss these tests' short command timeout while Redis is fine. Only for the steps around what a test
    /// checks, never for the answer it checks.</summary>
    private static async Task<HttpResponseMessage> SendUntilServedAsync(Func<Task<HttpResponseMessage>> send)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var response = await send();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline) return response;
            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(200);
            response.Dispose(); // a refusal not returned is not the caller's to dispose
            await Task.Delay(wait);
        }
    }

    [Fact]
    public async Task A_redis_that_goes_away_yields_503_with_retry_after_and_not_ready()
    {
        var port = FreeTcpPort.Pick();
        // Persistent, as production Redis must be: the cluster's membership lives there too.
        string[] durable = ["--appendonly", "yes", "--dir", Directory.CreateTempSubdirectory("aof-").FullName];
        var (address, redis) = await TestRedisServer.StartDedicatedRedisAsync(port, durable);
        await using var silo = new SiloFactory(new()
        {
            ["Redis:ConnectionString"] = address,
            ["Redis:ConnectTimeoutMs"] = "1000", // a first connection slower than that on a busy machine fails the start
            ["Sessions:CommandTimeout"] = "00:00:00.500",
        });
        var http = silo.CreateClient();
        StringContent Body(string operationId) => new($$"""{"items":[{"a":1}],"userId":"u","operationId":"{{operationId}}"}""", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.OK, (await SendUntilServedAsync(() => http.PostAsync("/v1/sessions/s/items", Body("before")))).StatusCode);
        redis.Kill();
        redis.Dispose();

        var started = DateTime.UtcNow;
        var append = await http.PostAsync("/v1/sessions/s/items", Body("during"));
        var read = await http.GetAsync("/v1/sessions/s/items");
        var ready = await http.GetAsync("/health/ready");

        foreach (var response in new[] { append, read, ready })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(503, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32());
        }
        Assert.NotNull(append.Headers.RetryAfter);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "failing fast, not hanging");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);

        (_, redis) = await TestRedisServer.StartDedicatedRedisAsync(port, durable); // back: the silo reconnects by itself
        using var recovering = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while ((await http.GetAsync("/health/ready", recovering.Token)).StatusCode != HttpStatusCode.OK) await Task.Delay(100, recovering.Token);
        Assert.Equal(HttpStatusCode.OK, (await SendUntilServedAsync(() => http.PostAsync("/v1/sessions/s2/items", Body("after")))).StatusCode);
        await silo.DisposeAsync(); // stops cleanly, its membership entry written to the Redis it has again
        redis.Kill();
        redis.Dispose();
    }

    [Fact]
    public async Task A_silo_whose_redis_is_unreachable_does_not_start()
    {
        await using var silo = new SiloFactory(new()
        {
            ["Redis:ConnectionString"] = $"127.0.0.1:{FreeTcpPort.Pick()}",
            ["Redis:ConnectTimeoutMs"] = "200",
            ["Sessions:CommandTimeout"] = "00:00:00.500",
        });

        // It joins its cluster through Redis; without it there is no cluster to join, and it says so.
        var error = Assert.ThrowsAny<Exception>(() => silo.CreateClient());
        Assert.Contains("127.0.0.1", error.ToString());
    }

    [Fact]
    public async Task A_stalled_redis_fails_requests_within_the_command_timeout_and_service_resumes_after()
    {
        var (address, redis) = await TestRedisServer.StartDedicatedRedisAsync();
        try
        {
            await using var silo = new SiloFactory(new()
            {
                ["Redis:ConnectionString"] = address,
                ["Sessions:CommandTimeout"] = "00:00:00.500",
            });
            var http = silo.CreateClient();
            var body = () => new StringContent("""{"items":[{"a":1}],"userId":"u","operationId":"op-1"}""", Encoding.UTF8, "application/json");
            Assert.Equal(HttpStatusCode.OK, (await SendUntilServedAsync(() => http.PostAsync("/v1/sessions/stall/items", body()))).StatusCode);

            _ = SendSignal(redis.Id, 19); // SIGSTOP: connected, but no answers
            var started = DateTime.UtcNow;
            var stalled = await http.GetAsync("/v1/sessions/stall/items");
            var waited = DateTime.UtcNow - started;
            _ = SendSignal(redis.Id, 18); // SIGCONT

            Assert.Equal(HttpStatusCode.ServiceUnavailable, stalled.StatusCode);
            Assert.NotNull(stalled.Headers.RetryAfter);
            Assert.True(waited < TimeSpan.FromSeconds(3), $"waited {waited}");
            var after = await SendUntilServedAsync(() => http.GetAsync("/v1/sessions/stall/items"));
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            Assert.Single(JsonDocument.Parse(await after.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray());
        }
        finally
        {
            redis.Kill();
            redis.Dispose();
        }
    }

    [Fact]
    public async Task A_stalled_redis_does_not_let_a_sessions_calls_pile_up_past_the_limit_are_refused_at_once()
    {
        var (address, redis) = await TestRedisServer.StartDedicatedRedisAsync();
        try
        {
            await using var silo = new SiloFactory(new()
            {
                ["Redis:ConnectionString"] = address,
                ["Sessions:CommandTimeout"] = "00:00:03",
                ["Sessions:MaxWaitingCalls"] = "10",
            });
            var http = silo.CreateClient();
            var body = () => new StringContent("""{"items":[{"a":1}],"userId":"u"}""", Encoding.UTF8, "application/json");
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/sessions/piled/items", body())).StatusCode);

            _ = SendSignal(redis.Id, 19); // SIGSTOP: every call of the session now waits for Redis
            var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(async _ =>
            {
                var started = DateTime.UtcNow;
                using var response = await http.PostAsync("/v1/sessions/piled/items", body());
                return (response.StatusCode, Detail: await response.Content.ReadAsStringAsync(), Took: DateTime.UtcNow - started,
                    RetryAfter: response.Headers.RetryAfter is not null);
            }));
            _ = SendSignal(redis.Id, 18); // SIGCONT

            var refused = answers.Where(a => a.Detail.Contains("too many calls waiting", StringComparison.Ordinal)).ToList();
            Assert.InRange(refused.Count, 45, 50);                     // 60 calls, 10 may wait (and one more may run)
            Assert.All(refused, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.StatusCode));
            Assert.All(refused, a => Assert.True(a.RetryAfter));
            Assert.All(refused, a => Assert.True(a.Took < TimeSpan.FromSeconds(2), $"refused after {a.Took}"));
            Assert.All(answers, a => Assert.True((int)a.StatusCode is 200 or 503, a.Detail));
        }
        finally
        {
            redis.Kill();
            redis.Dispose();
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int SendSignal(int pid, int signal);
}
