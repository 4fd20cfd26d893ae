using System.Net;
using System.Text;
using System.Text.Json;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>With its Redis unreachable the silo stays up and answers 503 problems with Retry-After, never a 500.</summary>
public sealed class UnavailableStoreTests
{
    [Fact]
    public async Task An_unreachable_redis_yields_503_with_retry_after_and_not_ready()
    {
        await using var silo = new SiloFactory(new()
        {
            ["Redis:ConnectionString"] = $"127.0.0.1:{TestRedisServer.FreePort()}",
            ["Redis:ConnectTimeoutMs"] = "200",
            ["Redis:OperationTimeoutMs"] = "500",
        });
        var http = silo.CreateClient();

        var started = DateTime.UtcNow;
        var append = await http.PostAsync("/v1/sessions/s/items",
            new StringContent("""{"items":[{"a":1}],"userId":"u"}""", Encoding.UTF8, "application/json"));
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
    }
}
