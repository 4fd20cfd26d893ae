using System.Net.Sockets;

namespace OrleansSessions.ClientSdk;

/// <summary>Reports a connection the server closed just after accepting it as the <see cref="HttpRequestException"/>
/// HttpClient throws for every other failed connection. .NET 10's connection pool reads the new socket's remote
/// address (for its connection-setup trace) outside its error handling, so a silo shutting down at that instant
/// surfaces as a bare <see cref="SocketException"/> ("Transport endpoint is not connected") that callers and retry
/// policies catching <see cref="HttpRequestException"/> miss. <see cref="SessionsClient"/> does this itself; add this
/// handler to an <see cref="HttpClient"/> that calls the API directly.</summary>
public sealed class DroppedConnectionHandler : DelegatingHandler
{
    public DroppedConnectionHandler()
        : base(new SocketsHttpHandler())
    {
    }

    public DroppedConnectionHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        catch (SocketException dropped)
        {
            throw AsRequestFailure(dropped, request);
        }
    }

    internal static HttpRequestException AsRequestFailure(SocketException dropped, HttpRequestMessage request) =>
        new(HttpRequestError.ConnectionError, $"{dropped.Message} ({request.RequestUri?.Authority})", dropped);
}
