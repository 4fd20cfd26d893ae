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
        // A 4 s TTL and a write (or read) every second: a stall of up to 3 s under load does not let it lapse, and
        // five seconds of life after the first write prove it slid. The failure message gives the longest gap.
        var ttl = TimeSpan.FromSeconds(4);
        var writesOnly = new ItemSession(silo.Client, "sliding-w", new ItemSessionOptions { UserId = "u", Ttl = ttl });
        var readsToo = new ItemSession(silo.Client, "sliding-r", new ItemSessionOptions { UserId = "u", Ttl = ttl, RefreshTtlOnRead = true });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var writes = new List<TimeSpan>();
        await writesOnly.AddItemsAsync([Item("user", "1")]);
        writes.Add(clock.Elapsed);
        await readsToo.AddItemsAsync([Item("user", "1")]);

        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(1000);
            await writesOnly.AddItemsAsync([Item("user", $"{i + 2}")]);
            writes.Add(clock.Elapsed);
            Assert.NotEmpty(await readsToo.GetItemsAsync());
        }
        var longestGap = writes.Zip(writes.Skip(1), (a, b) => (b - a).TotalMilliseconds).Max();
        Assert.True(6 == (await writesOnly.GetItemsAsync()).Count, $"items lost; longest gap between writes {longestGap:F0} ms"); // alive 5 s: the TTL slid
        Assert.Single(await readsToo.GetItemsAsync());

        await Task.Delay(ttl + TimeSpan.FromMilliseconds(500));
        Assert.Empty(await writesOnly.GetItemsAsync());
        Assert.Empty(await readsToo.GetItemsAsync());
    }
}
