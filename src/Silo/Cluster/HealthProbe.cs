namespace OrleansSessions.Silo.Cluster;

/// <summary><c>OrleansSessions.Silo probe URL</c>: exits 0 when the URL answers 2xx, else 1 — a container health
/// check that needs no curl in the image.</summary>
internal static class HealthProbe
{
    public static async Task<int> RunAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            return (await http.GetAsync(url)).IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception error) when (error is HttpRequestException or System.Net.Sockets.SocketException or TaskCanceledException)
        {
            return 1;
        }
    }
}
