using System.Text;
using System.Text.Json;

namespace OrleansSessions.Bench.Paths;

/// <summary>The item routes the silo and baseline C both serve, called over loopback HTTP with an API key.</summary>
public sealed class ItemsOverHttp : IDisposable
{
    public ItemsOverHttp(Uri baseAddress, string apiKey)
    {
        BaseAddress = baseAddress;
        ApiKey = apiKey;
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = baseAddress };
        Http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
    }

    public Uri BaseAddress { get; }

    public string ApiKey { get; }

    public HttpClient Http { get; }

    /// <summary>Waits up to a minute for <paramref name="path"/> to answer with a success status.</summary>
    public async Task<bool> WaitForAsync(string path)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            try
            {
                using var response = await Http.GetAsync(path);
                if (response.IsSuccessStatusCode) return true;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        return false;
    }

    public async Task AppendAsync(string userId, string sessionId, IReadOnlyList<string> items)
    {
        var body = new StringBuilder("{\"userId\":\"").Append(userId).Append("\",\"items\":[").AppendJoin(',', items).Append("]}").ToString();
        using var response = await Http.PostAsync($"/v1/sessions/{sessionId}/items", new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    public Task<int> ReadAllAsync(string sessionId) => CountItemsAsync($"/v1/sessions/{sessionId}/items");

    public Task<int> ReadNewestAsync(string sessionId, int count) => CountItemsAsync($"/v1/sessions/{sessionId}/items?limit={count}");

    private async Task<int> CountItemsAsync(string path)
    {
        using var page = JsonDocument.Parse(await Http.GetStreamAsync(path));
        return page.RootElement.GetProperty("items").GetArrayLength();
    }

    public void Dispose() => Http.Dispose();
}
