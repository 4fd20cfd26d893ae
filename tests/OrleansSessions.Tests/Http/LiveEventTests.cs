using System.Collections.Concurrent;
using System.Net;
using OrleansSessions.ClientSdk;
using OrleansSessions.Tests.Infrastructure;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>GET /v1/sessions/{id}/events: every append, pop and clear, in order, once, whichever silo made it.</summary>
public sealed class LiveEventTests
{
    private static AppendItemsCommand Batch(params string[] contents) => new(contents.Select(c => Items.Message(c)).ToList(), UserId: "owner");

    private static async Task<List<SessionEvent>> CollectAsync(SessionsClient client, string sessionId, string? from, Func<List<SessionEvent>, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<SessionEvent>();
        await foreach (var change in client.StreamEventsAsync(sessionId, from, timeout.Token))
        {
            seen.Add(change);
            if (done(seen)) break;
        }
        return seen;
    }

    [Fact]
    public async Task Appends_pops_and_clears_arrive_in_order_with_their_items()
    {
        await using var silo = await SiloClient.StartAsync();
        var start = await silo.Client.CreateSessionAsync(new CreateSessionRequest("owner", "live"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var stream = silo.Http.StreamEventsAsync("live", SessionsClient.EventIdOf(start), timeout.Token).GetAsyncEnumerator(timeout.Token);
        async Task<SessionEvent> NextAsync()
        {
            Assert.True(await stream.MoveNextAsync());
            return stream.Current;
        }

        // Each change is read before the next is made: an append's event carries the items that are still stored.
        await silo.Client.AppendItemsAsync("live", Batch("a", "b"));
        var appended = await NextAsync();
        await silo.Client.PopItemAsync("live");
        var popped = await NextAsync();
        await silo.Client.ClearItemsAsync("live");
        var cleared = await NextAsync();
        await silo.Client.AppendItemsAsync("live", Batch("c"));
        var again = await NextAsync();

        Assert.Equal(["append", "pop", "clear", "append"], new[] { appended, popped, cleared, again }.Select(e => e.Type));
        Assert.Equal([1L, 2L], appended.Items.Select(i => i.Seq));
        Assert.Equal(["a", "b"], appended.Items.Select(i => Items.Content(i.Item)));
        Assert.Equal((2L, 2L), (popped.FirstSeq, popped.LastSeq));
        Assert.Equal(["c"], again.Items.Select(i => Items.Content(i.Item)));
        Assert.True(appended.Version < popped.Version && popped.Version < cleared.Version && cleared.Version < again.Version);
    }

    [Fact]
    public async Task A_subscriber_on_one_silo_sees_every_write_made_through_another_exactly_once_and_in_order()
    {
        await using var writer = await SiloClient.StartAsync();
        await using var subscriber = await writer.SecondSiloAsync();
        var start = await writer.Client.CreateSessionAsync(new CreateSessionRequest("owner", "fan-out"));
        var acks = new ConcurrentBag<(AppendResult Ack, string[] Contents)>();
        const int Writers = 16, BatchesEach = 5;
        var reading = CollectAsync(subscriber.Http, "fan-out", SessionsClient.EventIdOf(start), seen => seen.Count == Writers * BatchesEach);

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var b = 0; b < BatchesEach; b++)
            {
                var contents = Enumerable.Range(0, 1 + (w + b) % 3).Select(i => $"w{w}b{b}i{i}").ToArray();
                acks.Add((await writer.Client.AppendItemsAsync("fan-out", Batch(contents) with { OperationId = $"w{w}b{b}" }), contents));
            }
        })));
        var events = await reading;

        Assert.Equal(Writers * BatchesEach, events.Count);
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
        Assert.Equal(events.Select(e => e.Version).Order(), events.Select(e => e.Version));
        Assert.Equal(events.Select(e => e.FirstSeq).Order(), events.Select(e => e.FirstSeq));
        foreach (var (ack, contents) in acks)
        {
            var change = Assert.Single(events, e => e.FirstSeq == ack.FirstSeq);
            Assert.Equal(contents, change.Items.Select(i => Items.Content(i.Item)));
            Assert.Equal(ack.LastSeq, change.LastSeq);
        }
    }

    [Fact]
    public async Task A_stream_resumes_after_its_last_event_and_ends_when_the_session_is_deleted()
    {
        await using var silo = await SiloClient.StartAsync();
        var start = await silo.Client.CreateSessionAsync(new CreateSessionRequest("owner", "resumable"));
        for (var i = 0; i < 5; i++) await silo.Client.AppendItemsAsync("resumable", Batch($"m{i}"));

        var firstTwo = await CollectAsync(silo.Http, "resumable", SessionsClient.EventIdOf(start), seen => seen.Count == 2);
        await silo.Client.AppendItemsAsync("resumable", Batch("m5"));
        Task? deleting = null;
        var resumed = await CollectAsync(silo.Http, "resumable", firstTwo[^1].Id, seen =>
        {
            if (deleting is null && seen.Count(e => e.Type == "append") == 4) deleting = silo.Client.DeleteSessionAsync("resumable");
            return seen[^1].Type == "deleted";
        });
        await deleting!;

        Assert.Equal(["m0", "m1"], firstTwo.Select(e => Items.Content(e.Items[0].Item)));
        Assert.Equal(["m2", "m3", "m4", "m5"], resumed.Where(e => e.Type == "append").Select(e => Items.Content(e.Items[0].Item)));
        Assert.Equal("deleted", resumed[^1].Type);
    }

    [Fact]
    public async Task A_resume_point_older_than_the_kept_events_gets_a_reset()
    {
        await using var silo = await SiloClient.StartAsync();
        var start = await silo.Client.CreateSessionAsync(new CreateSessionRequest("owner", "forgotten"));
        for (var half = 0; half < 2; half++)
        {
            await silo.Client.AppendItemsAsync("forgotten", new AppendItemsCommand(
                Enumerable.Range(0, 550).Select(j => Items.Message($"m{half}-{j}")).ToList(), UserId: "owner"));
        }
        for (var p = 0; p < 1070; p++) await silo.Client.PopItemAsync("forgotten"); // more than the 1,000 to 1,063 kept

        var events = await CollectAsync(silo.Http, "forgotten", SessionsClient.EventIdOf(start), seen => seen.Count == 1);

        Assert.Equal("reset", events[0].Type);
        Assert.Equal(1100, events[0].LastSeq);
    }

    [Fact]
    public async Task The_stream_is_text_event_stream_and_refuses_unknown_sessions_and_bad_ids()
    {
        await using var silo = await SiloClient.StartAsync();
        var http = silo.Silo.CreateClient();

        using var unknown = new HttpRequestMessage(HttpMethod.Get, "/v1/sessions/none/events");
        unknown.Headers.Accept.ParseAdd("text/event-stream"); // as EventSource sends it
        var notFound = await http.SendAsync(unknown);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("application/problem+json", notFound.Content.Headers.ContentType?.MediaType);
        await silo.Client.CreateSessionAsync(new CreateSessionRequest("owner", "typed"));
        using var bad = new HttpRequestMessage(HttpMethod.Get, "/v1/sessions/typed/events");
        bad.Headers.Add("Last-Event-ID", "garbage");
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(bad)).StatusCode);

        using var cancel = new CancellationTokenSource();
        var response = await http.GetAsync("/v1/sessions/typed/events", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await cancel.CancelAsync();
    }

    private static async Task<List<SessionEvent>> CollectAfterSeqAsync(SessionsClient client, string sessionId, long afterSeq, Func<List<SessionEvent>, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<SessionEvent>();
        await foreach (var change in client.StreamEventsAfterSeqAsync(sessionId, afterSeq, timeout.Token))
        {
            seen.Add(change);
            if (done(seen)) break;
        }
        return seen;
    }

    private static long[] Seqs(IEnumerable<SessionEvent> events) => [.. events.Where(e => e.Type == "append").SelectMany(e => e.Items).Select(i => i.Seq)];

    [Fact]
    public async Task A_stream_from_seq_0_sends_the_stored_items_first_then_the_live_ones()
    {
        await using var silo = await SiloClient.StartAsync();
        await silo.Client.AppendItemsAsync("from-start", Batch("a", "b"));
        await silo.Client.AppendItemsAsync("from-start", Batch("c"));
        var stream = silo.Http.StreamEventsAfterSeqAsync("from-start", 0).GetAsyncEnumerator();
        try
        {
            Assert.True(await stream.MoveNextAsync());
            var stored = stream.Current;
            await silo.Client.AppendItemsAsync("from-start", Batch("d"));
            Assert.True(await stream.MoveNextAsync());
            var live = stream.Current;

            Assert.Equal(("append", 1L, 3L), (stored.Type, stored.FirstSeq, stored.LastSeq));
            Assert.Equal(["a", "b", "c"], stored.Items.Select(i => Items.Content(i.Item)));
            Assert.Equal(["d"], live.Items.Select(i => Items.Content(i.Item)));
            Assert.True(live.Version > stored.Version);

            var fromTwo = await CollectAfterSeqAsync(silo.Http, "from-start", 2, seen => seen.Count == 1);
            Assert.Equal([3L, 4L], Seqs(fromTwo));
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_stream_from_seq_0_opened_while_writers_append_gets_every_item_once_and_in_order()
    {
        await using var writer = await SiloClient.StartAsync();
        await using var subscriber = await writer.SecondSiloAsync();
        await writer.Client.CreateSessionAsync(new CreateSessionRequest("owner", "busy"));
        const int Writers = 8, BatchesEach = 12;
        var acks = new ConcurrentBag<AppendResult>();
        var halfway = new TaskCompletionSource();
        var writing = Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var b = 0; b < BatchesEach; b++)
            {
                acks.Add(await writer.Client.AppendItemsAsync("busy", Batch([.. Enumerable.Range(0, 1 + (w + b) % 3).Select(i => $"w{w}b{b}i{i}")])));
                if (acks.Count >= Writers * BatchesEach / 2) halfway.TrySetResult();
            }
        })));
        await halfway.Task;
        var total = -1L;
        var reading = CollectAfterSeqAsync(subscriber.Http, "busy", 0, seen => Volatile.Read(ref total) is var last and > 0 && Seqs(seen).LastOrDefault() == last);
        await writing;
        Volatile.Write(ref total, acks.Max(a => a.LastSeq));
        var events = await reading;

        Assert.True(events[0].Items.Count >= Writers * BatchesEach / 2, "the first event holds what was stored when the stream opened");
        Assert.Equal(Enumerable.Range(1, (int)total).Select(i => (long)i), Seqs(events));
        Assert.Equal(events.Select(e => e.Version).Order(), events.Select(e => e.Version));
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task AfterSeq_is_refused_with_lastEventId_and_when_not_a_seq_but_a_Last_Event_ID_header_resumes_over_it()
    {
        await using var silo = await SiloClient.StartAsync();
        var http = silo.Silo.CreateClient();
        await silo.Client.AppendItemsAsync("checked", Batch("a"));
        var first = (await CollectAfterSeqAsync(silo.Http, "checked", 0, seen => seen.Count == 1))[0];
        await silo.Client.AppendItemsAsync("checked", Batch("b"));

        foreach (var query in new[] { $"afterSeq=0&lastEventId={first.Id}", "afterSeq=-1", "afterSeq=x" })
        {
            using var refused = await http.GetAsync($"/v1/sessions/checked/events?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("afterSeq", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // As a browser's EventSource reconnects: the URL it started with, and the id of the last event it got.
        using var resume = new HttpRequestMessage(HttpMethod.Get, "/v1/sessions/checked/events?afterSeq=0");
        resume.Headers.Add("Last-Event-ID", first.Id);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await http.SendAsync(resume, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        string? data;
        do data = await reader.ReadLineAsync(cancel.Token); while (data is not null && !data.StartsWith("data:", StringComparison.Ordinal));
        Assert.Contains("\"firstSeq\":2", data, StringComparison.Ordinal);
        await cancel.CancelAsync();
    }
}
