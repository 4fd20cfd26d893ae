using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace OrleansSessions.Tests;

/// <summary>
/// Over ten thousand generated malformed requests, each invalid by construction (broken, huge and deeply nested JSON,
/// bad ids, wrong types, oversized batches, invalid UTF-8, bad ranges and cursors, bad headers): none may get a 5xx
/// or a success, every answer is a problem document, and the stored data does not change.
/// </summary>
public sealed class FuzzTests(SeededSilo seeded, ITestOutputHelper output) : IClassFixture<SeededSilo>
{
    private const int Requests = 10_500;
    private const string Existing = "/v1/sessions/existing";

    private sealed record Fuzzed(string Kind, HttpMethod Method, string Path, byte[]? Body, string? ContentType = "application/json",
        (string Name, string Value)? Header = null, bool Anonymous = false);

    [Fact]
    public async Task Malformed_requests_get_4xx_problems_and_change_nothing()
    {
        var before = await seeded.DigestAsync();
        var random = new Random(20261123);
        var generators = new Func<Random, Fuzzed>[]
        {
            BrokenJson, HugeJson, DeeplyNested, BadIds, WrongTypes, OversizedBatch, InvalidUtf8, BadRanges, BadHeaders, WrongRoutes,
        };
        var requests = Enumerable.Range(0, Requests).Select(i => generators[i % generators.Length](random)).ToList();

        var tenant = seeded.Silo.CreateClient();
        var anonymous = seeded.Silo.CreateAnonymousClient();
        var failures = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<(string Kind, int Status), int>();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (fuzzed, ct) =>
        {
            using var request = new HttpRequestMessage(fuzzed.Method, fuzzed.Path);
            if (fuzzed.Body is not null)
            {
                request.Content = new ByteArrayContent(fuzzed.Body);
                if (fuzzed.ContentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", fuzzed.ContentType);
            }
            if (fuzzed.Header is { } header) request.Headers.TryAddWithoutValidation(header.Name, header.Value);
            using var response = await (fuzzed.Anonymous ? anonymous : tenant).SendAsync(request, ct);
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate((fuzzed.Kind, status), 1, (_, n) => n + 1);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (status is < 400 or >= 500)
            {
                failures.Add($"{fuzzed.Kind}: {fuzzed.Method} {Shorten(fuzzed.Path)} answered {status}: {Shorten(text)}");
                return;
            }
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                || JsonDocument.Parse(text).RootElement.GetProperty("status").GetInt32() != status)
            {
                failures.Add($"{fuzzed.Kind}: {fuzzed.Method} {Shorten(fuzzed.Path)} answered {status} without a problem document: {Shorten(text)}");
            }
        });

        foreach (var line in statuses.OrderBy(s => s.Key.Kind).ThenBy(s => s.Key.Status)) output.WriteLine($"{line.Key.Kind,-16} {line.Key.Status} × {line.Value}");
        output.WriteLine($"{requests.Count} requests, {statuses.Where(s => s.Key.Status >= 500).Sum(s => s.Value)} answered 5xx");
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(20)));
        Assert.Equal(before, await seeded.DigestAsync());
    }

    private static Fuzzed BrokenJson(Random random)
    {
        var (method, path, body) = ValidBody(random);
        var broken = random.Next(3) switch
        {
            0 => body[..random.Next(1, body.Length)],                  // cut short: the closing brace is always missing
            1 => body + Pick(random, "}", ",", "]", "x", "{}", "\"\""),  // trailing garbage after a complete value
            _ => body.Replace(":", Pick(random, "=", ";", "::")),        // not JSON syntax at all
        };
        return new("broken JSON", method, path, Encoding.UTF8.GetBytes(broken));
    }

    private static Fuzzed HugeJson(Random random)
    {
        var size = random.Next(1_100, 20_000); // over MaxItemBytes (1,024) and up to over MaxRequestBodyBytes (8,192)
        var filler = new string('h', size);
        return random.Next(3) switch
        {
            0 => new("huge JSON", HttpMethod.Post, Existing + "/items", Encoding.UTF8.GetBytes($$"""{"items":[{"role":"user","content":"{{filler}}"}]}""")),
            1 => new("huge JSON", HttpMethod.Put, Existing + "/data/big", Encoding.UTF8.GetBytes($"\"{filler}\"")),
            _ => new("huge JSON", HttpMethod.Post, "/v1/sessions", Encoding.UTF8.GetBytes("{\"userId\":\"u\",\"metadata\":{\"m\":\"" + filler + "\"}}")),
        };
    }

    private static Fuzzed DeeplyNested(Random random)
    {
        var depth = random.Next(65, 3_000); // over MaxJsonDepth (64)
        var (open, close) = random.Next(2) == 0 ? ("[", "]") : ("{\"a\":", "}");
        var nested = string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth));
        return random.Next(3) switch
        {
            0 => new("deep JSON", HttpMethod.Post, Existing + "/items", Encoding.UTF8.GetBytes($$"""{"items":[{"x":{{nested}}}]}""")),
            1 => new("deep JSON", HttpMethod.Put, Existing + "/data/deep", Encoding.UTF8.GetBytes(nested)),
            _ => new("deep JSON", HttpMethod.Patch, Existing + "/data/deep", Encoding.UTF8.GetBytes($$"""{"path":["a"],"value":{{nested}}}""")),
        };
    }

    private static Fuzzed BadIds(Random random)
    {
        var id = Uri.EscapeDataString(BadId(random));
        return random.Next(8) switch
        {
            0 => new("bad id", HttpMethod.Get, $"/v1/sessions/{id}", null),
            1 => new("bad id", HttpMethod.Post, $"/v1/sessions/{id}/items", Encoding.UTF8.GetBytes("""{"items":[{"a":1}],"userId":"u"}""")),
            2 => new("bad id", HttpMethod.Get, $"/v1/sessions/{id}/items", null),
            3 => new("bad id", HttpMethod.Put, $"{Existing}/data/{id}", Encoding.UTF8.GetBytes("1")),
            4 => new("bad id", HttpMethod.Get, $"/v1/users/{id}/sessions", null),
            5 => new("bad id", HttpMethod.Post, "/v1/sessions", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { userId = "u", sessionId = BadId(random) }))),
            6 => new("bad id", HttpMethod.Post, Existing + "/items", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { items = new[] { new { a = 1 } }, operationId = BadId(random) }))),
            _ => new("bad id", HttpMethod.Post, "/v1/tokens", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { userId = BadId(random) }))),
        };
    }

    private static Fuzzed WrongTypes(Random random)
    {
        var wrong = Pick(random, "17", "-1", "1.5", "1e300", "true", "[]", "[1,2]", "{}", "\"\"", "\"x\"", "{\"a\":[]}");
        var cases = new (HttpMethod Method, string Path, string Body, string[] Accepts)[]
        {
            (HttpMethod.Post, Existing + "/items", $$"""{"items":{{wrong}}}""", []),
            (HttpMethod.Post, Existing + "/items", $$"""{"items":[{"a":1}],"operationId":{{wrong}}}""", ["\"x\""]),
            (HttpMethod.Post, Existing + "/items", $$"""{"items":[{"a":1}],"userId":{{wrong}}}""", ["\"x\""]),
            (HttpMethod.Post, Existing + "/items", $$"""{"items":[{"a":1}],"ttlSeconds":{{wrong}}}""", ["17"]),
            (HttpMethod.Post, Existing + "/items", $$"""{"items":[{"a":1}],"tokens":{{wrong}}}""", ["17"]),
            (HttpMethod.Post, Existing + "/items", $$"""{"items":[{"a":1}],"agent":{{wrong}}}""", ["\"x\""]),
            (HttpMethod.Post, Existing + "/items", $$"""{"items":[{{wrong}}]}""", ["{}", "{\"a\":[]}"]),
            (HttpMethod.Post, "/v1/sessions", $$"""{"userId":{{wrong}}}""", ["\"x\""]),
            (HttpMethod.Post, "/v1/sessions", $$"""{"userId":"u","title":{{wrong}}}""", ["\"x\""]),
            (HttpMethod.Post, "/v1/sessions", $$"""{"userId":"u","metadata":{{wrong}}}""", ["{}", "{\"a\":[]}"]),
            (HttpMethod.Put, Existing + "/agent", $$"""{"agent":{{wrong}}}""", ["\"x\""]),
            (HttpMethod.Patch, Existing + "/data/k", $$"""{"path":{{wrong}},"value":1}""", []),
            (HttpMethod.Post, "/v1/tokens", $$"""{"userId":"u","ttlSeconds":{{wrong}}}""", ["17"]),
            (HttpMethod.Post, Existing + "/items", wrong, []),
        };
        var valid = cases.Where(c => !c.Accepts.Contains(wrong)).ToList();
        var chosen = valid[random.Next(valid.Count)];
        return new("wrong type", chosen.Method, chosen.Path, Encoding.UTF8.GetBytes(chosen.Body));
    }

    private static Fuzzed OversizedBatch(Random random)
    {
        var count = random.Next(101, 400); // over MaxItemsPerBatch (100)
        var items = string.Join(",", Enumerable.Repeat("{\"r\":1}", count));
        return new("oversized batch", HttpMethod.Post, Existing + "/items", Encoding.UTF8.GetBytes($$"""{"items":[{{items}}],"userId":"existing-user"}"""));
    }

    private static Fuzzed InvalidUtf8(Random random)
    {
        var (method, path, body) = ValidBody(random);
        var bytes = Encoding.UTF8.GetBytes(body).ToList();
        var quote = bytes.IndexOf((byte)'"', random.Next(bytes.Count / 2)); // inside or at the edge of a string
        byte[][] invalid = [[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80]];
        bytes.InsertRange(Math.Max(quote, 1) + 1, invalid[random.Next(invalid.Length)]);
        return new("invalid UTF-8", method, path, [.. bytes]);
    }

    private static Fuzzed BadRanges(Random random)
    {
        var number = Pick(random, "0", "-1", "-99", "abc", "1e3", "99999999999999999999", "", "0x10", "%205", "+5", "1.5", "%00");
        return random.Next(6) switch
        {
            0 => new("bad range", HttpMethod.Get, $"{Existing}/items?limit={number}", null),
            1 => new("bad range", HttpMethod.Get, $"{Existing}/items?afterSeq={(number is "0" ? "-3" : number)}", null),
            2 => new("bad range", HttpMethod.Get, $"/v1/users/existing-user/sessions?limit={(number is "0" ? "5000" : number)}", null),
            3 => new("bad cursor", HttpMethod.Get, $"/v1/users/existing-user/sessions?cursor={Uri.EscapeDataString(RandomText(random, random.Next(1, 60)))}", null),
            4 => new("bad flag", HttpMethod.Get, $"{Existing}/items?{Pick(random, "safeStart", "refreshTtl")}={Pick(random, "1", "yes", "TRUE", "", "no")}", null),
            _ => new("bad flag", HttpMethod.Delete, $"{Existing}/items?resetAgents={Pick(random, "1", "yes", "TRUE", "", "no")}", null),
        };
    }

    private static Fuzzed BadHeaders(Random random)
    {
        var (method, path, body) = ValidBody(random);
        return random.Next(5) switch
        {
            0 => new("bad header", method, path, Encoding.UTF8.GetBytes(body), Pick(random, "text/plain", "application/xml", "multipart/form-data", "garbage")),
            1 => new("bad header", method, path, Encoding.UTF8.GetBytes(body), Pick(random, "json", "/", "application/", ";;;", "application/json/x")),
            2 => new("bad header", HttpMethod.Get, Existing + "/events", null, Header: ("Last-Event-ID", Pick(random, "x", "1", "1.", ".1", "-1.2", "1.2.3", "99999999999999999999.1"))),
            3 => new("bad header", method, path, Encoding.UTF8.GetBytes(body), Header: ("X-Api-Key", RandomText(random, random.Next(1, 80))), Anonymous: true),
            _ => new("bad header", method, path, Encoding.UTF8.GetBytes(body),
                Header: ("Authorization", Pick(random, "Bearer ", "Bearer x.y.z", "Basic dTpw", "Bearer " + RandomText(random, 40))), Anonymous: true),
        };
    }

    private static Fuzzed WrongRoutes(Random random) => random.Next(3) switch
    {
        0 => new("wrong route", HttpMethod.Put, Existing, Encoding.UTF8.GetBytes("{}")),
        1 => new("wrong route", HttpMethod.Get, "/v1/" + Uri.EscapeDataString(RandomText(random, 12)), null),
        _ => new("wrong route", HttpMethod.Patch, Existing + "/items", Encoding.UTF8.GetBytes("{}")),
    };

    /// <summary>A request that would succeed (and so change data) as it is: the generators break it.</summary>
    private static (HttpMethod, string, string) ValidBody(Random random) => random.Next(5) switch
    {
        0 => (HttpMethod.Post, Existing + "/items", """{"items":[{"role":"user","content":"fuzz"}],"agent":"a"}"""),
        1 => (HttpMethod.Post, "/v1/sessions", """{"userId":"fuzz-user","title":"fuzz"}"""),
        2 => (HttpMethod.Put, Existing + "/agent", """{"agent":"fuzz"}"""),
        3 => (HttpMethod.Patch, Existing + "/data/k", """{"path":["a","b"],"value":{"c":"fuzz"}}"""),
        _ => (HttpMethod.Put, Existing + "/data/k", """{"fuzz":"value"}"""),
    };

    /// <summary>An id that breaks a rule: a character outside the allowed set, a bad first character, or too long.</summary>
    private static string BadId(Random random) => random.Next(3) switch
    {
        0 => RandomText(random, random.Next(0, 10)) + Pick(random, " ", "$", "{", "}", "/", "|", "é", "\u0001", "\n", "#", "?", "%") + RandomText(random, random.Next(0, 10)),
        1 => Pick(random, "-", ".", "_", ":", "@") + "abc",
        _ => new string('a', random.Next(129, 600)),
    };

    private static string RandomText(Random random, int length)
    {
        const string alphabet = "abcXYZ019-_.:@";
        return new string(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
    }

    private static string Pick(Random random, params string[] choices) => choices[random.Next(choices.Length)];

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;
}
