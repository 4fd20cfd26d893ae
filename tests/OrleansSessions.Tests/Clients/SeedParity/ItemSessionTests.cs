using System.Text.Json;
using OrleansSessions.ClientSdk;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests.SeedParity;

/// <summary>openai-agents-session's RedisSession (the Agents SDK Session protocol), with prefixes and a sliding TTL.</summary>
public sealed class ItemSessionTests
{
    private static JsonElement Item(string role, string content) => ConversationItems.Message(role, content);

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Get_add_pop_and_clear_behave_as_the_session_protocol_says(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        IConversationSession session = new ItemSession(silo.Client, "user-123", new ItemSessionOptions { UserId = "u" });

        Assert.Empty(await session.GetItemsAsync());
        Assert.Null(await session.PopItemAsync());
        await session.AddItemsAsync([]);
        await session.AddItemsAsync([Item("user", "Hello"), Item("assistant", "Hi there!")]);

        Assert.Equal(["Hello", "Hi there!"], (await session.GetItemsAsync()).Select(i => i.GetProperty("content").GetString()));
        Assert.Equal(["Hi there!"], (await session.GetItemsAsync(limit: 1)).Select(i => i.GetProperty("content").GetString()));
        Assert.Equal("Hi there!", (await session.PopItemAsync())!.Value.GetProperty("content").GetString());
        await session.ClearSessionAsync();
        Assert.Empty(await session.GetItemsAsync());
        Assert.Null(await session.PopItemAsync());
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task Key_prefixes_keep_tenants_apart(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var tenantA = new ItemSession(silo.Client, "chat", new ItemSessionOptions { UserId = "a", KeyPrefix = "tenant_a" });
        var tenantB = new ItemSession(silo.Client, "chat", new ItemSessionOptions { UserId = "b", KeyPrefix = "tenant_b" });

        await tenantA.AddItemsAsync([Item("user", "from A")]);
        await tenantB.AddItemsAsync([Item("user", "from B")]);
        await tenantB.ClearSessionAsync();

        Assert.Equal("tenant_a:chat", tenantA.SessionId);
        Assert.Equal(["from A"], (await tenantA.GetItemsAsync()).Select(i => i.GetProperty("content").GetString()));
        Assert.Empty(await tenantB.GetItemsAsync());
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task The_ttl_slides_with_every_add_and_optionally_with_reads(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        // The slide is read from the session's expiry as Redis sets it, and the TTL is long enough that no stall of a
        // busy machine lets a session lapse meanwhile: nothing here depends on how fast the calls run.
        var ttl = TimeSpan.FromMinutes(1);
        var writesOnly = new ItemSession(silo.Client, "sliding-w", new ItemSessionOptions { UserId = "u", Ttl = ttl });
        var readsToo = new ItemSession(silo.Client, "sliding-r", new ItemSessionOptions { UserId = "u", Ttl = ttl, RefreshTtlOnRead = true });
        await writesOnly.AddItemsAsync([Item("user", "1")]);
        await readsToo.AddItemsAsync([Item("user", "1")]);
        var writtenExpiry = await ExpiryAsync(silo, "sliding-w");
        var readExpiry = await ExpiryAsync(silo, "sliding-r");

        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(1100); // past the TTL's re-application interval (at most every second), so every write applies it
            await writesOnly.AddItemsAsync([Item("user", $"{i + 2}")]);
            var slid = await ExpiryAsync(silo, "sliding-w");
            Assert.True(slid > writtenExpiry, $"add {i + 2} left the expiry at {slid:O}");
            writtenExpiry = slid;

            Assert.NotEmpty(await writesOnly.GetItemsAsync()); // a read without the option leaves the expiry alone
            Assert.Equal(writtenExpiry, await ExpiryAsync(silo, "sliding-w"));

            Assert.NotEmpty(await readsToo.GetItemsAsync());
            var refreshed = await ExpiryAsync(silo, "sliding-r");
            Assert.True(refreshed > readExpiry, $"read {i + 1} left the expiry at {refreshed:O}");
            readExpiry = refreshed;
        }
        Assert.Equal(6, (await writesOnly.GetItemsAsync()).Count);
        Assert.Single(await readsToo.GetItemsAsync());
    }

    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task A_session_whose_ttl_passes_without_a_write_is_gone(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var session = new ItemSession(silo.Client, "lapsing", new ItemSessionOptions { UserId = "u", Ttl = TimeSpan.FromSeconds(2) });
        await session.AddItemsAsync([Item("user", "1")]);
        var expiry = await ExpiryAsync(silo, "lapsing");

        var deadline = DateTime.UtcNow.AddSeconds(30); // Redis expires it at `expiry`; waited for, not timed
        while ((await session.GetItemsAsync()).Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.Empty(await session.GetItemsAsync());
        Assert.True(DateTimeOffset.UtcNow >= expiry - TimeSpan.FromSeconds(1), $"gone before its expiry {expiry:O}");
        await Assert.ThrowsAsync<SessionsNotFoundException>(() => silo.Client.GetSessionAsync("lapsing"));
    }

    /// <summary>When the session expires, as Redis's clock set it.</summary>
    private static async Task<DateTimeOffset> ExpiryAsync(SiloClient silo, string sessionId) =>
        (await silo.Client.GetSessionAsync(sessionId)).ExpiresAt ?? throw new InvalidOperationException($"{sessionId} has no expiry");
}
