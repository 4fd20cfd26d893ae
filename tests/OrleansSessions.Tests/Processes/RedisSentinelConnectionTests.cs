using OrleansSessions.Contracts;
using OrleansSessions.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansSessions.Tests;

/// <summary>A silo given only a redis+sentinel:// URL finds the primary through the sentinel and serves, with Orleans'
/// membership on the same connection (its table is on the primary).</summary>
[Trait("Category", TestCategory.Process)]
public sealed class RedisSentinelConnectionTests
{
    [Fact]
    public async Task A_silo_with_a_sentinel_url_serves_a_create_an_append_and_a_read_and_keeps_its_membership_on_the_primary()
    {
        var (primaryAddress, primary) = await TestRedisServer.StartDedicatedRedisAsync();
        var primaryPort = int.Parse(primaryAddress.Split(':')[1]);
        var (_, replica) = await TestRedisServer.StartDedicatedRedisAsync(null, "--replicaof", "127.0.0.1", primaryPort.ToString());
        var (sentinelAddress, sentinel) = await TestRedisServer.StartDedicatedSentinelAsync(primaryPort, "sessions-primary");
        try
        {
            var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
            await using var silo = await SiloClient.ConnectAsync(new SiloFactory(new()
            {
                ["Redis:ConnectionString"] = $"redis+sentinel://{sentinelAddress}/sessions-primary",
                ["Sessions:KeyPrefix"] = prefix,
            }));

            await silo.Http.CreateSessionAsync(new CreateSessionRequest("owner", SessionId: "s"));
            await silo.Http.AppendItemsAsync("s", new AppendItemsCommand([Items.Message("through the sentinel")], UserId: "owner"));
            Assert.Equal(["through the sentinel"], (await silo.Http.GetItemsAsync("s")).Items.Select(i => Items.Content(i.Item)));

            await using var direct = await ConnectionMultiplexer.ConnectAsync(primaryAddress);
            Assert.True(await direct.GetDatabase().KeyExistsAsync($"orleans-sessions/members/{prefix}"), "the membership table is on the primary");
        }
        finally
        {
            foreach (var process in new[] { sentinel, replica, primary })
            {
                process.Kill();
                await process.WaitForExitAsync();
                process.Dispose();
            }
        }
    }
}
