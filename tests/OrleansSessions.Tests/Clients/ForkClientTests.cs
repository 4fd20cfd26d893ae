using Microsoft.Extensions.DependencyInjection;
using OrleansSessions.ClientSdk;
using OrleansSessions.Tests.Infrastructure;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary><see cref="ISessionsClient.ForkSessionAsync"/> over HTTP and in the cluster: the same fork, the same retry
/// answer and the same typed refusals; and what a user token may fork over HTTP.</summary>
public sealed class ForkClientTests
{
    [Theory, InlineData(Transport.Http), InlineData(Transport.Cluster)]
    public async Task The_client_forks_a_prefix_of_a_session_once_per_operation_id_and_is_refused_alike_for_bad_input(Transport transport)
    {
        await using var silo = await SiloClient.StartAsync(transport);
        var client = silo.Client;
        await client.CreateSessionAsync(new CreateSessionRequest("ann", "src", "Trip"));
        await client.AppendItemsAsync("src", new AppendItemsCommand([.. "abcd".Select(c => Items.Message(c.ToString()))]));
        var source = await client.GetItemsAsync("src");

        var fork = await client.ForkSessionAsync("src", new ForkSessionRequest(UserId: "bea", ThroughSeq: 2, OperationId: "fk-1"));
        var retry = await client.ForkSessionAsync("src", new ForkSessionRequest(UserId: "bea", ThroughSeq: 2, OperationId: "fk-1"));
        var named = await client.ForkSessionAsync("src", new ForkSessionRequest(SessionId: "whole", Title: "Copy"));
        var forkItems = await client.GetItemsAsync(fork.SessionId);
        var listing = await client.ListSessionsAsync("bea");

        var beyond = await Assert.ThrowsAsync<SessionsRequestRejectedException>(() =>
            client.ForkSessionAsync("src", new ForkSessionRequest(ThroughSeq: 5)));
        var reused = await Assert.ThrowsAsync<SessionsConflictException>(() =>
            client.ForkSessionAsync("src", new ForkSessionRequest(UserId: "bea", ThroughSeq: 3, OperationId: "fk-1")));
        var taken = await Assert.ThrowsAsync<SessionsConflictException>(() =>
            client.ForkSessionAsync("src", new ForkSessionRequest(SessionId: "whole")));
        var missing = await Assert.ThrowsAsync<SessionsNotFoundException>(() => client.ForkSessionAsync("nope", new ForkSessionRequest()));
        var itself = await Assert.ThrowsAsync<SessionsRequestRejectedException>(() =>
            client.ForkSessionAsync("src", new ForkSessionRequest(SessionId: "src")));

        Assert.Equal((fork.SessionId, fork.CreatedAt, fork.ForkedFrom), (retry.SessionId, retry.CreatedAt, retry.ForkedFrom));
        Assert.Equal((new ForkOrigin("src", 2), "bea", "Trip", 2L, 2L), (fork.ForkedFrom, fork.UserId, fork.Title, fork.ItemCount, fork.LastSeq));
        Assert.Equal(source.Items.Take(2).Select(i => (i.Seq, Items.Content(i.Item))), forkItems.Items.Select(i => (i.Seq, Items.Content(i.Item))));
        Assert.Equal((new ForkOrigin("src", 4), "ann", "Copy", 4L), (named.ForkedFrom, named.UserId, named.Title, named.ItemCount));
        Assert.Equal([fork.SessionId], listing.Sessions.Select(s => s.SessionId));
        Assert.Equal(4L, (await client.GetSessionAsync("src")).ItemCount); // the source is untouched
        Assert.Equal(("throughSeq", "operationId", "sessionId", "sessionId", "sessionId"),
            (beyond.Problem?.Field, reused.Problem?.Field, taken.Problem?.Field, missing.Problem?.Field, itself.Problem?.Field));
        Assert.Contains("4", beyond.Message); // names the source's lastSeq
        Assert.Equal(2, (await client.ListSessionsAsync("ann")).Sessions.Count); // src and whole: refusals made nothing
    }

    [Fact]
    public async Task A_user_token_forks_its_own_sessions_for_itself_and_nobody_elses()
    {
        await using var silo = await SiloClient.StartAsync();
        await silo.Client.CreateSessionAsync(new CreateSessionRequest("cy", "cy-1"));
        await silo.Client.AppendItemsAsync("cy-1", new AppendItemsCommand([Items.Message("mine")]));
        await silo.Client.CreateSessionAsync(new CreateSessionRequest("di", "di-1"));
        var token = await silo.Http.CreateUserTokenAsync("cy");
        var services = new ServiceCollection();
        services.AddSessionsClient(silo.Silo.Server.BaseAddress).ConfigurePrimaryHttpMessageHandler(() => silo.Silo.Server.CreateHandler())
            .WithUserToken(token.Token);
        await using var provider = services.BuildServiceProvider();
        var cy = provider.GetRequiredService<SessionsClient>();

        var fork = await cy.ForkSessionAsync("cy-1", new ForkSessionRequest(OperationId: "cy-op"));
        var again = await cy.ForkSessionAsync("cy-1", new ForkSessionRequest(OperationId: "cy-op"));
        var foreign = await Assert.ThrowsAsync<SessionsNotFoundException>(() => cy.ForkSessionAsync("di-1", new ForkSessionRequest()));
        var forOther = await Assert.ThrowsAsync<SessionsAccessDeniedException>(() => cy.ForkSessionAsync("cy-1", new ForkSessionRequest(UserId: "di")));
        var chosen = await Assert.ThrowsAsync<SessionsAccessDeniedException>(() => cy.ForkSessionAsync("cy-1", new ForkSessionRequest(SessionId: "cy-2")));

        Assert.Equal((fork.SessionId, "cy", new ForkOrigin("cy-1", 1)), (again.SessionId, fork.UserId, fork.ForkedFrom));
        Assert.Equal(["mine"], (await cy.GetItemsAsync(fork.SessionId)).Items.Select(i => Items.Content(i.Item)));
        Assert.Equal(("sessionId", "userId", "sessionId"), (foreign.Problem?.Field, forOther.Problem?.Field, chosen.Problem?.Field));
        Assert.Equal(["di-1"], (await silo.Client.ListSessionsAsync("di")).Sessions.Select(s => s.SessionId));
        Assert.Equal(2, (await silo.Client.ListSessionsAsync("cy")).Sessions.Count);
    }
}
