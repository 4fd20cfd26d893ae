using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using OrleansSessions.Tests.Infrastructure;
using GrainEvents = OrleansSessions.Grains.LogEvents;
using SiloEvents = OrleansSessions.Silo.LogEvents;

namespace OrleansSessions.Tests;

/// <summary>Log event ids are declared in one LogEvents class per assembly, each area in a range of its own, and
/// every logged event names one of them: an operator's alert on an id never meets another event.</summary>
public sealed partial class LogEventsTests
{
    /// <summary>The areas and their ranges; a new area is added here, in a range no other area has.</summary>
    private static readonly Dictionary<Type, (int First, int Last)> Areas = new()
    {
        [typeof(GrainEvents.Storage)] = (1100, 1199),
        [typeof(GrainEvents.Caching)] = (1200, 1299),
        [typeof(SiloEvents.Redis)] = (2000, 2999),
        [typeof(SiloEvents.Api)] = (3000, 3999),
        [typeof(SiloEvents.Lifecycle)] = (4000, 4999),
    };

    private static readonly Assembly[] LoggingAssemblies = [typeof(GrainEvents).Assembly, typeof(SiloEvents).Assembly];

    private static IEnumerable<(Type Area, string Name, int Id)> Declared() =>
        from logEvents in new[] { typeof(GrainEvents), typeof(SiloEvents) }
        from area in logEvents.GetNestedTypes()
        from field in area.GetFields(BindingFlags.Public | BindingFlags.Static)
        where field.IsLiteral && field.FieldType == typeof(int)
        select (area, field.Name, (int)field.GetRawConstantValue()!);

    [Fact]
    public void Every_area_has_a_range_and_no_two_ranges_meet()
    {
        var declaredAreas = new[] { typeof(GrainEvents), typeof(SiloEvents) }.SelectMany(t => t.GetNestedTypes());
        Assert.Equal(Areas.Keys.Select(t => t.FullName).Order(), declaredAreas.Select(t => t.FullName).Order());
        var ranges = Areas.Values.OrderBy(r => r.First).ToList();
        Assert.All(ranges, r => Assert.True(r.First <= r.Last));
        Assert.All(ranges.Zip(ranges.Skip(1)), pair => Assert.True(pair.First.Last < pair.Second.First,
            $"{pair.First} and {pair.Second} overlap"));
    }

    [Fact]
    public void No_two_ids_share_a_value_and_each_lies_in_its_areas_range()
    {
        var declared = Declared().ToList();
        Assert.NotEmpty(declared);
        Assert.Empty(declared.GroupBy(d => d.Id).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.All(declared, d => Assert.InRange(d.Id, Areas[d.Area].First, Areas[d.Area].Last));
    }

    [Fact]
    public void Every_logged_event_has_a_declared_id()
    {
        var declared = Declared().Select(d => d.Id).ToHashSet();
        var logged = (
            from assembly in LoggingAssemblies
            from type in assembly.GetTypes()
            from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static |
                BindingFlags.Instance | BindingFlags.DeclaredOnly)
            let message = method.GetCustomAttribute<LoggerMessageAttribute>()
            where message is not null
            select (Method: $"{type.Name}.{method.Name}", message.EventId)).ToList();

        Assert.NotEmpty(logged);
        Assert.All(logged, l => Assert.True(declared.Contains(l.EventId), $"{l.Method} logs event {l.EventId}, not in a LogEvents class"));
        Assert.Equal(logged.Count, logged.Select(l => l.EventId).Distinct().Count());
    }

    [Fact]
    public void The_events_docs_operations_lists_are_declared()
    {
        var operations = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "docs", "operations.md"));
        var section = operations[operations.IndexOf("## Log events", StringComparison.Ordinal)..];
        var next = section.IndexOf("\n## ", StringComparison.Ordinal);
        if (next > 0) section = section[..next];
        var named = EventNumber().Matches(section).Select(m => int.Parse(m.Groups[1].Value)).ToList();

        Assert.NotEmpty(named);
        Assert.Subset(Declared().Select(d => d.Id).ToHashSet(), named.ToHashSet());
    }

    [GeneratedRegex("`([0-9]{4})`")]
    private static partial Regex EventNumber();
}
