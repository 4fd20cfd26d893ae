using System.Net;
using OrleansSessions.Silo.Cluster;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>A loopback HTTP server that answers GET /status/N with status N, for testing HTTP callers.</summary>
public sealed class LoopbackHttpResponder : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly int _port = FreeTcpPort.Pick();

    public LoopbackHttpResponder()
    {
        _listener.Prefixes.Add($"http://127.0.0.1:{_port}/");
        _listener.Start();
        _ = ServeAsync();
    }

    public string Url(int status) => $"http://127.0.0.1:{_port}/status/{status}";

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception error) when (error is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            context.Response.StatusCode = int.Parse(context.Request.Url!.Segments[^1]);
            context.Response.Close();
        }
    }
}
