using System.Net;
using System.Text;
using System.Text.Json;
using OrleansSessions.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansSessions.Tests;

/// <summary>Encryption at rest: nothing a session holds is stored in plaintext, and reads survive a key rotation.</summary>
public sealed class EncryptionAtRestTests
{
    private const string Marker = "plaintext-marker-0451";
    private static readonly string Key1 = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string Key2 = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public async Task Redis_holds_no_plaintext_and_reads_keep_working_after_a_key_rotation()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var server = (await TestRedisServer.GetAsync()).ConnectionString;
        using var redis = await ConnectionMultiplexer.ConnectAsync(server);
        Dictionary<string, string?> Settings(string active, params (string Id, string Key)[] keys)
        {
            var settings = new Dictionary<string, string?>
            {
                ["Redis:ConnectionString"] = server, ["Sessions:KeyPrefix"] = prefix,
                ["Encryption:Enabled"] = "true", ["Encryption:ActiveKeyId"] = active,
            };
            foreach (var (id, key) in keys) settings[$"Encryption:Keys:{id}"] = key;
            return settings;
        }

        await using (var first = new SiloFactory(Settings("k1", ("k1", Key1))))
        {
            var http = first.CreateClient();
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsync("/v1/sessions", Json(
                $$$"""{"userId":"u","sessionId":"s","title":"{{{Marker}}} title","metadata":{"note":"{{{Marker}}} metadata"}}"""))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/sessions/s/items", Json(
                $$"""{"items":[{"role":"user","content":"{{Marker}} one"},{"role":"assistant","content":"{{Marker}} two"}],"operationId":"op-1"}"""))).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await http.PutAsync("/v1/sessions/s/data/notes", Json($$"""{"text":"{{Marker}} data"}"""))).StatusCode);
            // A retried operation id is still recognised: its fingerprint is keyed, not a hash of the plaintext.
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/sessions/s/items", Json(
                $$"""{"items":[{"role":"user","content":"{{Marker}} one"},{"role":"assistant","content":"{{Marker}} two"}],"operationId":"op-1"}"""))).StatusCode);
        }
        var stored = await StoreDigest.TakeAsync(redis, prefix);
        Assert.Contains("~e1.k1.", stored);
        Assert.DoesNotContain(Marker, stored);
        Assert.DoesNotContain("plaintext-marker", stored);

        // Rotation: k2 encrypts new writes; what k1 wrote is still read.
        await using (var rotated = new SiloFactory(Settings("k2", ("k1", Key1), ("k2", Key2))))
        {
            var http = rotated.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/sessions/s/items", Json($$"""{"items":[{"role":"user","content":"{{Marker}} three"}]}"""))).StatusCode);
            await AssertReadableAsync(http, 3);
        }
        stored = await StoreDigest.TakeAsync(redis, prefix);
        Assert.Contains("~e1.k1.", stored);
        Assert.Contains("~e1.k2.", stored);
        Assert.DoesNotContain(Marker, stored);

        // Turning encryption off for new writes still reads every stored value while its key is configured.
        var readOnly = Settings("k2", ("k1", Key1), ("k2", Key2));
        readOnly["Encryption:Enabled"] = "false";
        await using var off = new SiloFactory(readOnly);
        await AssertReadableAsync(off.CreateClient(), 3);
    }

    [Fact]
    public async Task A_value_moved_to_another_session_does_not_decrypt()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var server = (await TestRedisServer.GetAsync()).ConnectionString;
        using var redis = await ConnectionMultiplexer.ConnectAsync(server);
        await using var silo = new SiloFactory(new()
        {
            ["Redis:ConnectionString"] = server, ["Sessions:KeyPrefix"] = prefix,
            ["Encryption:Enabled"] = "true", ["Encryption:ActiveKeyId"] = "k1", ["Encryption:Keys:k1"] = Key1,
        });
        var http = silo.CreateClient();
        foreach (var id in new[] { "a", "b" })
        {
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsync("/v1/sessions", Json($$"""{"userId":"u","sessionId":"{{id}}","title":"title {{id}}"}"""))).StatusCode);
        }
        var db = redis.GetDatabase();
        await db.HashSetAsync($"{prefix}:{{s:b}}:meta", "title", await db.HashGetAsync($"{prefix}:{{s:a}}:meta", "title"));

        var response = await http.GetAsync("/v1/sessions/b");
        Assert.True((int)response.StatusCode >= 500, $"a tampered value must not be served; got {(int)response.StatusCode}");
        Assert.DoesNotContain("title a", await response.Content.ReadAsStringAsync());
    }

    private static async Task AssertReadableAsync(HttpClient http, int items)
    {
        var page = JsonDocument.Parse(await http.GetStringAsync("/v1/sessions/s/items")).RootElement.GetProperty("items");
        Assert.Equal(items, page.GetArrayLength());
        Assert.All(page.EnumerateArray(), item => Assert.StartsWith(Marker, item.GetProperty("item").GetProperty("content").GetString()));
        var info = JsonDocument.Parse(await http.GetStringAsync("/v1/sessions/s")).RootElement;
        Assert.Equal($"{Marker} title", info.GetProperty("title").GetString());
        Assert.Equal($"{Marker} metadata", info.GetProperty("metadata").GetProperty("note").GetString());
        Assert.Equal($"{Marker} data", JsonDocument.Parse(await http.GetStringAsync("/v1/sessions/s/data/notes")).RootElement.GetProperty("text").GetString());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
