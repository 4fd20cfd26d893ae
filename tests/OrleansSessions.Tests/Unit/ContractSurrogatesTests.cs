using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansSessions.Abstractions;
using OrleansSessions.Contracts;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>The contract records cross a grain call whole: every field through Orleans' serializer (another silo)
/// and its copier (the same silo).</summary>
public sealed class ContractSurrogatesTests
{
    private static readonly ServiceProvider Services = new ServiceCollection()
        .AddSerializer(s => s.AddAssembly(typeof(ISessionGrain).Assembly)).BuildServiceProvider();

    public static TheoryData<object> Records()
    {
        var at = DateTimeOffset.Parse("2026-12-04T10:00:00Z");
        var info = new SessionInfo("s", "u", "title", at, at.AddSeconds(1), 3, 4, 5, "agent", ["a", "b"],
            Items.Parse("""{"k":1}"""), at.AddHours(1), 42);
        return new TheoryData<object>
        {
            info,
            new StoredItem(7, at, Items.Message("hi")),
            new AppendResult(1, 3, 3),
            new SessionListPage([info, info with { SessionId = "t", Metadata = null, ExpiresAt = null }], "cursor"),
            new AppendItemsCommand([Items.Message("a"), Items.Message("b")], "op", "agent", "user", 12, 60),
            new ItemsQuery(10, 5, "user", SafeStart: true, RefreshTtl: true),
        };
    }

    [Theory, MemberData(nameof(Records))]
    public void A_record_comes_back_with_every_field(object record)
    {
        var serializer = Services.GetRequiredService<Serializer>();
        var copier = Services.GetRequiredService<DeepCopier>();
        var sent = Json(record);

        Assert.Equal(sent, Json(serializer.Deserialize<object>(serializer.SerializeToArray(record))!));
        Assert.Equal(sent, Json(copier.Copy(record)));
    }

    private static string Json(object value) => JsonSerializer.Serialize(value, value.GetType());
}
