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
        // A 3 s TTL and a write (or read) every second: a stall of up to 2 s under load does not let it lapse, and
        // four seconds of life after the first write prove it slid.
        var ttl = TimeSpan.FromSeconds(3);
        var writesOnly = new ItemSession(silo.Client, "sliding-w", new ItemSessionOptions { UserId = "u", Ttl = ttl });
        var readsToo = new ItemSession(silo.Client, "sliding-r", new ItemSessionOptions { UserId = "u", Ttl = ttl, RefreshTtlOnRead = true });
        await writesOnly.AddItemsAsync([Item("user", "1")]);
        await readsToo.AddItemsAsync([Item("user", "1")]);

        for (var i = 0; i < 4; i++)
        {
            await Task.Delay(1000);
            await writesOnly.AddItemsAsync([Item("user", $"{i + 2}")]);
            Assert.NotEmpty(await readsToo.GetItemsAsync());
        }
        Assert.Equal(5, (await writesOnly.GetItemsAsync()).Count); // alive 4 s after the first write: the TTL slid
        Assert.Single(await readsToo.GetItemsAsync());

        await Task.Delay(ttl + TimeSpan.FromMilliseconds(500));
        Assert.Empty(await writesOnly.GetItemsAsync());
        Assert.Empty(await readsToo.GetItemsAsync());
    }
}
