using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using OrleansSessions.AgentFramework;
using OrleansSessions.ClientSdk;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests.AgentFramework;

/// <summary>The Agent Framework's session store over conversations: an agent session saved under a key is found again
/// by another backend, its history in the same conversation; another user's key finds nothing; deleting removes it.</summary>
public sealed class SessionAgentSessionStoreTests
{
    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task An_agent_session_is_kept_in_its_conversation_under_its_users_key(Transport transport)
    {
        await using var first = await SiloClient.StartAsync(transport);
        await using var second = await first.SecondSiloAsync();
        var key = new AgentSessionStoreKey("support-42").WithPartition(SessionAgentSessionStore.UserPartition, "erin");
        var (here, hereStore) = Backend(first.Client);
        var (there, thereStore) = Backend(second.Client);

        var session = await hereStore.GetOrCreateSessionAsync(here, key);
        await here.RunAsync("What is the weather in Rome?", session);
        await hereStore.SaveSessionAsync(here, key, session);

        var restored = await thereStore.GetSessionAsync(there, key);
        Assert.NotNull(restored);
        await there.RunAsync("And in Milan?", restored);

        var items = (await first.Client.GetItemsAsync("support-42")).Items;
        Assert.Equal(10, items.Count); // both runs, in the key's conversation
        Assert.Equal("erin", (await first.Client.GetSessionAsync("support-42")).UserId);
        Assert.Null(await thereStore.GetSessionAsync(there, new AgentSessionStoreKey("support-42").WithPartition(SessionAgentSessionStore.UserPartition, "mallory")));
        Assert.Null(await thereStore.GetSessionAsync(there, new AgentSessionStoreKey("never-saved")));
        await Assert.ThrowsAsync<ArgumentException>(async () => await hereStore.SaveSessionAsync(here, new AgentSessionStoreKey("no-owner"), session));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await hereStore.SaveSessionAsync(here,
            new AgentSessionStoreKey("support-42").WithPartition(SessionAgentSessionStore.UserPartition, "mallory"), session));

        await thereStore.DeleteSessionAsync(there, key);
        Assert.Null(await hereStore.GetSessionAsync(here, key));
        await Assert.ThrowsAsync<SessionsNotFoundException>(() => first.Client.GetSessionAsync("support-42"));
    }

    private static (ChatClientAgent Agent, SessionAgentSessionStore Store) Backend(ISessionsClient client) =>
        (new ChatClientAgent(new ScriptedChatClient(), new ChatClientAgentOptions
        {
            Name = "support",
            ChatOptions = new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => $"mild in {city}", "get_weather")] },
            ChatHistoryProvider = new SessionChatHistoryProvider(client, new() { UserId = "erin" }),
        }), new SessionAgentSessionStore(client));
}
