using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansSessions.Grains;

/// <summary>The service's own metrics (meter and activity source "OrleansSessions"): appends and their items, the size
/// of each group commit, the append script's time, reads answered from an activation's memory or from Redis, and the
/// open live event streams.</summary>
public sealed class SessionTelemetry
{
    public const string Name = "OrleansSessions";

    /// <summary>Spans around the Redis scripts, children of the grain call's span.</summary>
    public static readonly ActivitySource Source = new(Name);

    private readonly Counter<long> _appends;
    private readonly Counter<long> _items;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _scriptDuration;
    private readonly Counter<long> _reads;
    private readonly UpDownCounter<long> _liveStreams;

    public SessionTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _appends = meter.CreateCounter<long>("orleans_sessions.appends", "{append}", "Appends stored");
        _items = meter.CreateCounter<long>("orleans_sessions.items_appended", "{item}", "Items stored by appends");
        _batchSize = meter.CreateHistogram<int>("orleans_sessions.group_commit.size", "{append}", "Appends stored by one script call",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64] });
        _scriptDuration = meter.CreateHistogram<double>("orleans_sessions.append_script.duration", "s",
            "Time to store one group commit: its script call, round trip included (and the owner's index entry and a second call when it creates the session)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
        _reads = meter.CreateCounter<long>("orleans_sessions.reads", "{read}", "Item reads, by where they were answered from (source: memory or redis)");
        _liveStreams = meter.CreateUpDownCounter<long>("orleans_sessions.live_streams", "{stream}", "Open /events streams");
    }

    public void Appended(int appends, int items, TimeSpan scriptTime)
    {
        _appends.Add(appends);
        _items.Add(items);
        _batchSize.Record(appends);
        _scriptDuration.Record(scriptTime.TotalSeconds);
    }

    public void Read(bool fromMemory) => _reads.Add(1, new KeyValuePair<string, object?>("source", fromMemory ? "memory" : "redis"));

    public void StreamOpened() => _liveStreams.Add(1);

    public void StreamClosed() => _liveStreams.Add(-1);
}
