using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using OrleansSessions.Contracts;

namespace OrleansSessions.ClientSdk;

/// <summary>Reads a session's Server-Sent Events, reconnecting after a dropped connection from the last event seen,
/// so no event is lost or repeated.</summary>
internal static class SessionEventStream
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async IAsyncEnumerable<SessionEvent> ReadAsync(
        HttpClient http, string path, string? lastEventId, Func<HttpResponseMessage, CancellationToken, Task<SessionsApiException>> error,
        TimeSpan reconnectDelay, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Accept.ParseAdd("text/event-stream");
            if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);

            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (Exception dropped) when (dropped is HttpRequestException or SocketException)
            {
                await Task.Delay(reconnectDelay, cancellationToken);
                continue;
            }
            using (response)
            {
                if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout)
                {
                    await Task.Delay(reconnectDelay, cancellationToken);
                    continue;
                }
                if (!response.IsSuccessStatusCode) throw await error(response, cancellationToken);

                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                using var reader = new StreamReader(body, Encoding.UTF8);
                var data = new StringBuilder();
                while (true)
                {
                    string? line;
                    try
                    {
                        line = await reader.ReadLineAsync(cancellationToken);
                    }
                    catch (IOException)
                    {
                        break; // dropped: reconnect from the last event
                    }
                    if (line is null) break;
                    if (line.Length == 0)
                    {
                        if (data.Length == 0) continue;
                        var change = JsonSerializer.Deserialize<SessionEvent>(data.ToString(), Json)!;
                        data.Clear();
                        lastEventId = change.Id;
                        yield return change;
                        if (change.Type == "deleted") yield break;
                    }
                    else if (line.StartsWith("data:", StringComparison.Ordinal))
                    {
                        data.Append(line.AsSpan(line.StartsWith("data: ", StringComparison.Ordinal) ? 6 : 5));
                    }
                }
            }
            await Task.Delay(reconnectDelay, cancellationToken);
        }
    }
}
