using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using OrleansSessions.Tests.Infrastructure;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>The shape of a write's trace, whichever transport carried it: the caller's span, then the grain call's
/// (Orleans' activity propagation), then the append script's, all in the caller's trace. Spans are taken from the
/// activity sources themselves, as any exporter (OTLP with OTEL_EXPORTER_OTLP_ENDPOINT) receives them.</summary>
public sealed class TraceShapeTests
{
    [Fact]
    public async Task An_http_append_is_one_trace_from_the_request_through_the_grain_call_to_the_script()
    {
        await using var silo = await SiloClient.StartAsync();
        var traceId = ActivityTraceId.CreateRandom();
        using var spans = new SpanRecorder(traceId);
        var http = silo.Silo.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/sessions/traced/items")
        {
            Content = new StringContent("""{"items":[{"role":"user","content":"hi"}],"userId":"u"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        (await http.SendAsync(request)).EnsureSuccessStatusCode();

        var chain = await spans.ChainAsync("append script", root: span => span.Source.Name == "Microsoft.AspNetCore");
        Assert.Equal(ActivityKind.Server, chain[^1].Kind);
        Assert.Contains(chain, span => span.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && span.DisplayName.Contains("ISessionGrain"));
    }

    [Fact]
    public async Task An_in_cluster_append_continues_the_callers_trace_into_the_grain_and_the_script()
    {
        await using var silo = await SiloClient.StartAsync(Transport.Cluster);
        using var source = new ActivitySource("test-backend");
        var traceId = ActivityTraceId.CreateRandom();
        using var spans = new SpanRecorder(traceId);

        using (var backend = source.StartActivity("agent turn", ActivityKind.Internal, new ActivityContext(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded)))
        {
            await silo.Client.AppendItemsAsync("traced", new AppendItemsCommand([Items.Message("hi")], UserId: "u"));
        }

        var chain = await spans.ChainAsync("append script", root: span => span.DisplayName == "agent turn");
        Assert.Contains(chain, span => span.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && span.Kind == ActivityKind.Client);
        Assert.Contains(chain, span => span.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && span.Kind == ActivityKind.Server);
    }

    /// <summary>Every span of one trace, recorded as it ends.</summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ActivityTraceId _traceId;
        private readonly ConcurrentDictionary<ActivitySpanId, Activity> _ended = new();
        private readonly ActivityListener _listener;

        public SpanRecorder(ActivityTraceId traceId)
        {
            _traceId = traceId;
            _listener = new ActivityListener
            {
                ShouldListenTo = _ => true,
                Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                    options.Parent.TraceId == traceId ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
                ActivityStopped = activity =>
                {
                    if (activity.TraceId == _traceId) _ended[activity.SpanId] = activity;
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        /// <summary>The span named <paramref name="name"/>, then its parent, and so on up to the <paramref name="root"/>
        /// span, once all of them have ended.</summary>
        public async Task<List<Activity>> ChainAsync(string name, Func<Activity, bool> root)
        {
            for (var attempt = 0; ; attempt++)
            {
                var chain = new List<Activity>();
                var span = _ended.Values.FirstOrDefault(a => a.DisplayName == name);
                while (span is not null)
                {
                    chain.Add(span);
                    span = _ended.GetValueOrDefault(span.ParentSpanId);
                }
                if (chain.Count > 0 && root(chain[^1])) return chain;
                Assert.True(attempt < 50, $"no chain from '{name}' to its root; spans: {string.Join(", ", _ended.Values.Select(a => $"{a.Source.Name}/{a.DisplayName}"))}");
                await Task.Delay(100);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
