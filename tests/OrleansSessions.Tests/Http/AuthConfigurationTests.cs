using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>Auth cannot be off outside the embedded development store; rate limits and CORS do what they say.</summary>
public sealed class AuthConfigurationTests
{
    [Fact]
    public async Task A_silo_on_an_external_redis_without_tenants_refuses_to_start()
    {
        var server = (await TestRedisServer.GetAsync()).ConnectionString;
        await using var open = new SiloFactory(new() { ["Redis:ConnectionString"] = server, ["Auth:TokenIssuer"] = "no tenants" });
        var refused = Assert.Throws<OptionsValidationException>(() => open.CreateClient());
        Assert.Contains("Auth:Tenants", refused.Message);

        await using var unsigned = new SiloFactory(new()
        {
            ["Redis:ConnectionString"] = server,
            ["Auth:Tenants:a:KeyHashes:0"] = "sha256:" + new string('a', 64),
        });
        Assert.Contains("Auth:TokenSigningKey", Assert.Throws<OptionsValidationException>(() => unsigned.CreateClient()).Message);
    }

    [Fact]
    public async Task Rate_limits_answer_429_with_retry_after_per_user_and_per_tenant()
    {
        await using var silo = await SiloFactory.OnTestServerAsync(new()
        {
            ["RateLimit:UserRequestsPerSecond"] = "1", ["RateLimit:UserBurst"] = "3",
            ["RateLimit:TenantRequestsPerSecond"] = "1", ["RateLimit:TenantBurst"] = "20",
        });
        var tenant = silo.CreateClient();
        var alice = silo.CreateAnonymousClient();
        alice.DefaultRequestHeaders.Authorization = new("Bearer", await TestAuth.MintUserTokenAsync(tenant, "alice"));
        var bob = silo.CreateAnonymousClient();
        bob.DefaultRequestHeaders.Authorization = new("Bearer", await TestAuth.MintUserTokenAsync(tenant, "bob"));

        // The user's bucket: its burst of 3, and one more token for each second the requests took.
        var (served, seconds) = await AssertServedUntilLimitedAsync(alice, "/v1/users/alice/sessions");
        Assert.InRange(served, 3, 3 + seconds);
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("/v1/users/bob/sessions")).StatusCode); // each user has a bucket

        // The tenant's bucket: its backends' requests together (the two mints above took two of its 20).
        (served, seconds) = await AssertServedUntilLimitedAsync(tenant, "/v1/users/carol/sessions");
        Assert.InRange(served, 18, 20 + seconds);
        var other = silo.CreateAnonymousClient();
        other.DefaultRequestHeaders.Add("X-Api-Key", TestAuth.OtherTenantKey);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/v1/users/carol/sessions")).StatusCode); // another tenant is not held up
        Assert.Equal(HttpStatusCode.OK, (await tenant.GetAsync("/health/live")).StatusCode); // health is never limited
    }

    [Fact]
    public async Task Cors_lets_configured_origins_send_user_tokens_but_never_api_keys()
    {
        await using var silo = await SiloFactory.OnTestServerAsync(new() { ["Cors:Origins:0"] = "https://app.example" });
        var http = silo.CreateAnonymousClient();

        var preflight = await http.SendAsync(Preflight("https://app.example", "authorization,content-type"));
        Assert.Equal("https://app.example", preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var allowed = string.Join(",", preflight.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("authorization", allowed);

        var withKey = await http.SendAsync(Preflight("https://app.example", "x-api-key"));
        var allowedWithKey = withKey.Headers.TryGetValues("Access-Control-Allow-Headers", out var values) ? string.Join(",", values) : "";
        Assert.DoesNotContain("x-api-key", allowedWithKey.ToLowerInvariant()); // so the browser refuses to send it
        var stranger = await http.SendAsync(Preflight("https://evil.example", "authorization"));
        Assert.False(stranger.Headers.Contains("Access-Control-Allow-Origin"));
    }

    internal static HttpRequestMessage Preflight(string origin, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/v1/sessions/s/items");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    /// <summary>Sends <paramref name="path"/> until the bucket refuses one (which must be a proper 429) and returns how
    /// many were served before it, and the whole seconds, rounded up, that took: a bucket refills once a second, so
    /// a slow machine may be served that many more.</summary>
    private static async Task<(int Served, int Seconds)> AssertServedUntilLimitedAsync(HttpClient client, string path)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var served = 0; served < 100; served++)
        {
            var response = await client.GetAsync(path);
            if (response.StatusCode == HttpStatusCode.OK) continue;
            await AssertLimitedAsync(response);
            return (served, (int)Math.Ceiling(clock.Elapsed.TotalSeconds));
        }
        throw new Xunit.Sdk.XunitException($"{path}: 100 requests served without a 429.");
    }

    private static async Task AssertLimitedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After in seconds");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32());
    }
}
