using System.Net.Http.Json;
using System.Text.Json;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>Two silos on one Redis: a write acknowledged by one is read by the other, and their concurrent
/// appends to one session still get one order.</summary>
public sealed class TwoSiloTests
{
    [Fact]
    public async Task Writes_through_one_silo_are_read_through_the_other_in_one_order()
    {
        await using var first = await SiloFactory.OnTestServerAsync();
        await using var second = new SiloFactory(new()
        {
            ["Redis:ConnectionString"] = first.Setting("Redis:ConnectionString"),
            ["Sessions:KeyPrefix"] = first.Setting("Sessions:KeyPrefix"),
        });
        var clients = new[] { first.CreateClient(), second.CreateClient() };

        var acks = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            var response = await clients[i % 2].PostAsJsonAsync("/v1/sessions/shared/items",
                new { items = new[] { new { n = i, part = 0 }, new { n = i, part = 1 } }, userId = "pat", operationId = $"op-{i}" });
            response.EnsureSuccessStatusCode();
            var ack = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            var seen = JsonDocument.Parse(await clients[(i + 1) % 2].GetStringAsync("/v1/sessions/shared")).RootElement;
            Assert.True(seen.GetProperty("lastSeq").GetInt64() >= ack.GetProperty("lastSeq").GetInt64()); // read-your-writes on the other silo
            return (i, first: ack.GetProperty("firstSeq").GetInt64());
        })));

        var items = JsonDocument.Parse(await clients[1].GetStringAsync("/v1/sessions/shared/items")).RootElement.GetProperty("items");
        Assert.Equal(80, items.GetArrayLength());
        foreach (var (i, firstSeq) in acks)
        {
            var at = items.EnumerateArray().Single(e => e.GetProperty("seq").GetInt64() == firstSeq);
            var next = items.EnumerateArray().Single(e => e.GetProperty("seq").GetInt64() == firstSeq + 1);
            Assert.Equal((i, 0), (at.GetProperty("item").GetProperty("n").GetInt32(), at.GetProperty("item").GetProperty("part").GetInt32()));
            Assert.Equal((i, 1), (next.GetProperty("item").GetProperty("n").GetInt32(), next.GetProperty("item").GetProperty("part").GetInt32()));
        }
    }
}
