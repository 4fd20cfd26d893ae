using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using OrleansSessions.ClientSdk;
using OrleansSessions.Contracts;
using OrleansSessions.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansSessions.Tests;

/// <summary>A silo over TLS to a redis-server whose only service user is deploy/redis/users.acl's: the whole HTTP flow
/// works and the server denied nothing; a wrong password and a certificate from another CA each stop the start with
/// the cause and the setting named.</summary>
[Trait("Category", TestCategory.Process)]
public sealed class RedisTlsAclTests
{
    private static SiloFactory Silo(string url, string caFile) => new(new()
    {
        ["Redis:ConnectionString"] = url,
        ["Redis:CaFile"] = caFile,
        ["Sessions:KeyPrefix"] = "os", // the ACL file's key pattern is the default prefix's
    });

    [Fact]
    public async Task A_silo_over_rediss_as_the_acl_user_serves_the_whole_flow_and_the_server_denies_nothing()
    {
        await using var redis = await RedisTlsServer.StartAsync();
        await using var silo = await SiloClient.ConnectAsync(Silo(redis.Url, redis.CaFile));
        var client = silo.Http;

        var created = await client.CreateSessionAsync(new CreateSessionRequest("owner", SessionId: "tls"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var events = client.StreamEventsAsync(created.SessionId, SessionsClient.EventIdOf(created), timeout.Token).GetAsyncEnumerator(timeout.Token);
        var moving = events.MoveNextAsync();
        await client.AppendItemsAsync(created.SessionId, new AppendItemsCommand([Items.Message("hello")], UserId: "owner", OperationId: "op-1"));
        Assert.True(await moving);
        Assert.Equal("append", events.Current.Type);
        Assert.Equal(["hello"], (await client.GetItemsAsync(created.SessionId)).Items.Select(i => Items.Content(i.Item)));
        Assert.Equal([created.SessionId], (await client.ListSessionsAsync("owner")).Sessions.Select(s => s.SessionId));
        await client.SetDataAsync(created.SessionId, "k", JsonDocument.Parse("""{"v":1}""").RootElement);
        Assert.Equal(1, (await client.GetDataAsync(created.SessionId, "k"))!.Value.GetProperty("v").GetInt32());
        await client.DeleteSessionAsync(created.SessionId);
        Assert.Empty((await client.ListSessionsAsync("owner")).Sessions);

        var admin = new ConfigurationOptions { Ssl = true, User = "admin", Password = RedisTlsServer.AdminPassword, AllowAdmin = true };
        admin.EndPoints.Add(IPAddress.Loopback, redis.Port);
        admin.TrustIssuer(redis.CaFile);
        await using var inspector = await ConnectionMultiplexer.ConnectAsync(admin);
        var server = inspector.GetServer(IPAddress.Loopback, redis.Port);
        var denied = (RedisResult[])(await server.ExecuteAsync("ACL", "LOG"))!;
        Assert.True(denied.Length == 0, "denied: " + string.Join("; ", denied.Select(d => string.Join(" ", ((RedisResult[])d!).Select(f => f.ToString())))));
        Assert.Equal("0", (await server.ConfigGetAsync("port")).Single().Value); // the plain port is off
        Assert.False(await AnswersPlainPingAsync(redis.Port), "the TLS port answered a plain-text PING");
    }

    [Fact]
    public async Task A_wrong_password_is_refused_at_start_naming_the_cause_and_the_setting()
    {
        await using var redis = await RedisTlsServer.StartAsync();
        await using var silo = Silo($"rediss://sessions:wrong@127.0.0.1:{redis.Port}", redis.CaFile);

        var error = Assert.ThrowsAny<Exception>(() => silo.CreateClient()).ToString();

        Assert.Contains("refused the silo's credentials", error, StringComparison.Ordinal);
        Assert.Contains("Redis:ConnectionString", error, StringComparison.Ordinal);
        Assert.Contains("WRONGPASS", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_certificate_from_another_ca_is_refused_at_start_naming_Redis_CaFile()
    {
        await using var redis = await RedisTlsServer.StartAsync();
        using var otherCa = new TestCertificates("Some other CA");
        await using var silo = Silo(redis.Url, otherCa.CaPath);

        var error = Assert.ThrowsAny<Exception>(() => silo.CreateClient()).ToString();

        Assert.Contains("does not chain to a CA in Redis:CaFile", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_requires_client_certificates_serves_a_silo_given_one()
    {
        await using var redis = await RedisTlsServer.StartAsync(requireClientCertificates: true);
        var (certificate, key) = redis.WriteClientCertificate();
        await using var silo = await SiloClient.ConnectAsync(new SiloFactory(new()
        {
            ["Redis:ConnectionString"] = redis.Url,
            ["Redis:CaFile"] = redis.CaFile,
            ["Redis:ClientCertificatePath"] = certificate,
            ["Redis:ClientKeyPath"] = key,
            ["Sessions:KeyPrefix"] = "os",
        }));

        await silo.Http.AppendItemsAsync("mtls", new AppendItemsCommand([Items.Message("with a client certificate")], UserId: "owner"));

        Assert.Equal(["with a client certificate"], (await silo.Http.GetItemsAsync("mtls")).Items.Select(i => Items.Content(i.Item)));
    }

    private static async Task<bool> AnswersPlainPingAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        await using var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var buffer = new byte[64];
        try
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return read > 0 && System.Text.Encoding.ASCII.GetString(buffer, 0, read).Contains("PONG", StringComparison.Ordinal);
        }
        catch (Exception error) when (error is IOException or OperationCanceledException)
        {
            return false;
        }
    }
}
