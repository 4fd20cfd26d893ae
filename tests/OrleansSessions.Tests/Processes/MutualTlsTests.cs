using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansSessions.ClientSdk;
using OrleansSessions.ClusterClient;
using OrleansSessions.Contracts;
using OrleansSessions.Silo.Cluster;
using OrleansSessions.Silo.Redis;
using OrleansSessions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansSessions.Tests;

/// <summary>Two silo processes with Orleans:Tls on, certificates from a CA the test made: they form a cluster and
/// serve; silos, Orleans clients and plain TCP peers without a certificate from that CA get nothing from them.</summary>
[Trait("Category", TestCategory.Process)]
[Collection(nameof(MultiSiloProcessTests))] // several silo processes; not beside the others
public sealed class MutualTlsTests(MutualTlsTests.TlsCluster cluster, ITestOutputHelper output) : IClassFixture<MutualTlsTests.TlsCluster>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>How long a refused silo is watched for: far past the few seconds a silo here takes to join.</summary>
    private static readonly TimeSpan RefusedSiloWatch = TimeSpan.FromSeconds(20);

    /// <summary>The cluster the tests of this class share: two TLS silos, the CA, and another CA for intruders.</summary>
    public sealed class TlsCluster : IAsyncLifetime
    {
        public TestCertificates Certificates { get; } = new();

        public TestCertificates OtherCa { get; } = new("Other CA");

        public string Prefix { get; } = "t" + Guid.NewGuid().ToString("N")[..12];

        public SiloProcess[] Silos { get; private set; } = [];

        public int SiloPort { get; } = FreeTcpPort.Pick();

        public int GatewayPort { get; private set; }

        public async Task InitializeAsync()
        {
            do GatewayPort = FreeTcpPort.Pick(); while (GatewayPort == SiloPort);
            var first = Certificates.Issue("silo-a").SiloSettings(Certificates.CaPath);
            first["Orleans:SiloPort"] = SiloPort.ToString();
            first["Orleans:GatewayPort"] = GatewayPort.ToString();
            Silos = [await SiloProcess.StartAsync("silo-a", Prefix, first),
                await SiloProcess.StartAsync("silo-b", Prefix, Certificates.Issue("silo-b").SiloSettings(Certificates.CaPath))];
        }

        public async Task DisposeAsync()
        {
            foreach (var silo in Silos) await silo.DisposeAsync();
            Certificates.Dispose();
            OtherCa.Dispose();
        }
    }

    private static async Task<string[]> ActiveSilosAsync(SiloProcess silo) =>
        [.. (await silo.ClusterSilosAsync()).Where(s => s.GetProperty("status").GetString() == "Active").Select(s => s.GetProperty("name").GetString()!).Order()];

    private static async Task<AppendResult> AppendAsync(SiloProcess silo, string session, string content, string operationId)
    {
        var response = await silo.Http.PostAsJsonAsync($"/v1/sessions/{session}/items",
            new { items = new[] { new { role = "user", content } }, operationId, userId = "tls-user" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<AppendResult>(Json))!;
    }

    /// <summary>The lines a silo logged about refused TLS handshakes (since its output was <paramref name="since"/>
    /// characters long), and the last one with the exception line after it.</summary>
    private static string HandshakeRefusals(SiloProcess silo, int since = 0)
    {
        var lines = silo.Output[since..].Split('\n');
        var refusals = lines.Select((line, i) => (line, i)).Where(l => l.line.Contains("Authentication failed", StringComparison.Ordinal)
            || l.line.Contains("Authentication timed out", StringComparison.Ordinal)).ToList();
        return $"{refusals.Count} refused handshake(s) logged" + (refusals.Count == 0 ? "" : ", the last: " + string.Join(" | ",
            lines.Skip(refusals[^1].i - 1).Take(4).Select(l => l.Trim())));
    }

    [Fact]
    public async Task Two_tls_silos_form_one_cluster_and_every_acknowledged_append_through_both_is_read_back()
    {
        foreach (var silo in cluster.Silos)
        {
            Assert.Equal(["silo-a", "silo-b"], await ActiveSilosAsync(silo));
            Assert.Contains($"Mutual TLS on Orleans' ports: this silo presents CN={silo.Name}", silo.Output);
        }

        const int Sessions = 12, Writers = 16, AppendsEach = 15;
        var sessions = Enumerable.Range(0, Sessions).Select(i => $"load-{i}").ToArray();
        // The first call places a session on the silo that got it (PreferLocal): half live on each silo.
        for (var i = 0; i < Sessions; i++) await AppendAsync(cluster.Silos[i % 2], sessions[i], "first", $"{sessions[i]}-first");
        var acked = new ConcurrentBag<(string Session, long Seq, string Content)>();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var a = 0; a < AppendsEach; a++)
            {
                // Through both silos to sessions on both: half the calls cross the silo-to-silo TLS connection.
                var session = sessions[(w + a) % Sessions];
                var content = $"w{w}-a{a}";
                var ack = await AppendAsync(cluster.Silos[(w + a / 2) % 2], session, content, content);
                acked.Add((session, ack.FirstSeq, content));
            }
        })));

        Assert.Equal(Writers * AppendsEach, acked.Count);
        foreach (var group in acked.GroupBy(a => a.Session))
        {
            foreach (var silo in cluster.Silos)
            {
                var page = (await silo.Http.GetFromJsonAsync<ItemsPage>($"/v1/sessions/{group.Key}/items", Json))!;
                var stored = page.Items.ToDictionary(i => i.Seq, i => Items.Content(i.Item));
                foreach (var (_, seq, content) in group) Assert.Equal(content, stored[seq]);
                Assert.Equal(group.Count() + 1, page.Items.Count); // the first item and every acknowledged one, no more
            }
        }
        var activations = (await cluster.Silos[0].ClusterSilosAsync()).Select(s => s.GetProperty("activations").GetInt32()).ToList();
        Assert.All(activations, count => Assert.True(count > 0, "sessions live on both silos"));
        output.WriteLine($"2 TLS silos; {Writers} writers x {AppendsEach} appends over {Sessions} sessions: {acked.Count} acknowledged, all read back through both silos; activations per silo: {string.Join(", ", activations)}");
    }

    [Fact]
    public async Task A_silo_without_tls_or_with_a_certificate_from_another_ca_never_joins_and_the_cluster_keeps_serving()
    {
        var foreign = cluster.OtherCa.Issue("foreign-silo").SiloSettings(cluster.OtherCa.CaPath); // a consistent PKI, not ours
        await using var plain = await SiloProcess.LaunchAsync("plain-intruder", cluster.Prefix);
        await using var stranger = await SiloProcess.LaunchAsync("foreign-intruder", cluster.Prefix, foreign);

        var watchUntil = DateTime.UtcNow + RefusedSiloWatch;
        var sawEntry = new HashSet<string>();
        while (DateTime.UtcNow < watchUntil)
        {
            foreach (var silo in cluster.Silos)
            {
                var members = await silo.ClusterSilosAsync();
                foreach (var member in members.Where(m => m.GetProperty("name").GetString()!.EndsWith("-intruder", StringComparison.Ordinal)))
                {
                    sawEntry.Add($"{member.GetProperty("name").GetString()}: {member.GetProperty("status").GetString()}");
                }
                Assert.Equal(["silo-a", "silo-b"], await ActiveSilosAsync(silo));
            }
            await Task.Delay(250); // polling: the assertion is that nothing changes for the whole watch
        }
        Assert.False(plain.HasExited && stranger.HasExited && sawEntry.Count == 0, "the intruders never even tried to join");

        for (var i = 0; i < 4; i++) await AppendAsync(cluster.Silos[i % 2], "after-intruders", $"still-{i}", $"after-intruders-{i}");
        var page = (await cluster.Silos[1].Http.GetFromJsonAsync<ItemsPage>("/v1/sessions/after-intruders/items", Json))!;
        Assert.Equal(4, page.Items.Count);

        output.WriteLine($"watched {RefusedSiloWatch.TotalSeconds} s: the intruders never Active; membership entries seen: {(sawEntry.Count == 0 ? "none" : string.Join("; ", sawEntry))}");
        foreach (var intruder in new[] { plain, stranger })
        {
            var tail = intruder.Output.Split('\n').Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("Exception", StringComparison.Ordinal))
                .Select(l => l.Trim()).Distinct().Take(4);
            output.WriteLine($"{intruder.Name} (exited: {intruder.HasExited}) logged: {string.Join(" | ", tail)}");
        }
        foreach (var silo in cluster.Silos) output.WriteLine($"{silo.Name}: {HandshakeRefusals(silo)}");
    }

    private async Task<IHost> OrleansClientAsync(Action<IClientBuilder>? tls, CapturedLogs? logs = null)
    {
        var server = await TestRedisServer.GetAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (logs is not null) builder.Logging.AddProvider(logs);
        builder.UseOrleansClient(client =>
        {
            client.UseRedisClustering(options => options.ConfigurationOptions = RedisUrl.Parse(server.ConnectionString))
                .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (cluster.Prefix, "orleans-sessions"))
                .AddSessionsClient();
            tls?.Invoke(client);
        });
        return builder.Build();
    }

    [Fact]
    public async Task Orleans_clients_without_a_certificate_from_the_ca_are_refused_at_the_handshake_and_read_or_write_nothing()
    {
        await AppendAsync(cluster.Silos[0], "secret", "a secret item", "secret-1");
        var before = await cluster.Silos[1].Http.GetStringAsync("/v1/sessions/secret/items");
        var selfSigned = cluster.Certificates.Issue("self-signed-client", selfSigned: true).Load();
        var foreign = cluster.OtherCa.Issue("foreign-client").Load();
        var attackers = new (string Name, Action<IClientBuilder>? Tls)[]
        {
            ("plain TCP, no TLS", null),
            ("TLS, no certificate", c => c.UseTls(o => { o.ClientCertificateMode = Orleans.Connections.Security.RemoteCertificateMode.AllowCertificate; o.AllowAnyRemoteCertificate(); })),
            ("self-signed certificate", c => c.UseTls(selfSigned, o => o.AllowAnyRemoteCertificate())),
            ("certificate from another CA", c => c.UseTls(foreign, o => o.AllowAnyRemoteCertificate())),
            ("certificate from another CA, through UseSessionsTls", c => c.UseSessionsTls(foreign, cluster.OtherCa.CaCollection)),
        };
        foreach (var (name, tls) in attackers)
        {
            var logged = cluster.Silos.Select(s => s.Output.Length).ToArray();
            using var logs = new CapturedLogs();
            using var host = await OrleansClientAsync(tls, logs);
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10)); // it retries the gateways until then
            var refused = await Record.ExceptionAsync(() => host.StartAsync(deadline.Token));
            if (refused is null)
            {
                // Started (it found the gateways in Redis): its calls must fail all the same.
                var client = host.Services.GetRequiredService<ISessionsClient>();
                var read = await Record.ExceptionAsync(() => client.GetItemsAsync("secret", cancellationToken: deadline.Token));
                var write = await Record.ExceptionAsync(() => client.AppendItemsAsync("secret",
                    new AppendItemsCommand([Items.Message("intruder")], "intruder-op"), deadline.Token));
                Assert.NotNull(read);
                Assert.NotNull(write);
                refused = read;
                await host.StopAsync(CancellationToken.None);
            }
            output.WriteLine($"client with {name}: {refused.GetType().Name}: {refused.Message.Split('\n')[0]}; it logged: " +
                string.Join(" | ", logs.Lines.Distinct().Take(3)));
            output.WriteLine($"  {cluster.Silos[0].Name} meanwhile: {HandshakeRefusals(cluster.Silos[0], logged[0])}");
        }

        Assert.Equal(before, await cluster.Silos[1].Http.GetStringAsync("/v1/sessions/secret/items")); // nothing written
        foreach (var silo in cluster.Silos) output.WriteLine($"{silo.Name}: {HandshakeRefusals(silo)}");
        Assert.Contains("refused handshake", HandshakeRefusals(cluster.Silos[0]));
    }

    [Fact]
    public async Task An_orleans_client_with_a_certificate_from_the_ca_calls_the_grains()
    {
        var certificate = cluster.Certificates.Issue("backend").Load();
        using var host = await OrleansClientAsync(c => c.UseSessionsTls(certificate, cluster.Certificates.CaCollection));
        await host.StartAsync();
        var client = host.Services.GetRequiredService<ISessionsClient>();
        var ack = await client.AppendItemsAsync("from-backend", new AppendItemsCommand([Items.Message("over mutual TLS")], "backend-1", UserId: "tls-user"));
        var page = (await cluster.Silos[1].Http.GetFromJsonAsync<ItemsPage>("/v1/sessions/from-backend/items", Json))!;
        Assert.Equal("over mutual TLS", Items.Content(Assert.Single(page.Items).Item));
        Assert.Equal(ack.FirstSeq, page.Items[0].Seq);
        Assert.Equal("over mutual TLS", Items.Content((await client.GetItemsAsync("from-backend")).Items[0].Item));
        await host.StopAsync();
    }

    /// <summary>Everything a plain TCP peer gets from <paramref name="port"/>: it sends <paramref name="send"/> (or
    /// nothing, and only listens) and reads until the silo closes the connection or 3 s pass.</summary>
    private static async Task<byte[]> PlainPeerAsync(int port, byte[]? send)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        if (send is not null) await stream.WriteAsync(send);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            for (int n; (n = await stream.ReadAsync(buffer, quiet.Token)) > 0;) received.Write(buffer, 0, n);
        }
        catch (Exception error) when (error is OperationCanceledException or IOException)
        {
        }
        return received.ToArray();
    }

    private static readonly byte[] Probe = [.. "GET / HTTP/1.1\r\nHost: silo\r\n\r\n"u8, .. Enumerable.Range(0, 256).Select(i => (byte)i)];

    [Fact]
    public async Task A_plain_tcp_peer_on_either_tls_port_learns_nothing_not_even_the_cluster_id()
    {
        var clusterId = Encoding.UTF8.GetBytes(cluster.Prefix);
        foreach (var (portName, port) in new[] { ("silo port", cluster.SiloPort), ("gateway", cluster.GatewayPort) })
        {
            foreach (var send in new[] { null, Probe })
            {
                var received = await PlainPeerAsync(port, send);
                Assert.Equal(-1, received.AsSpan().IndexOf(clusterId));
                output.WriteLine($"TLS {portName}, peer {(send is null ? "silent" : "sending 288 bytes")}: got {received.Length} bytes {Convert.ToHexString(received.AsSpan(0, Math.Min(16, received.Length)))}");
            }
        }
    }

    [Fact]
    public async Task Without_tls_the_silo_port_tells_a_plain_tcp_peer_the_cluster_id()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var siloPort = FreeTcpPort.Pick();
        await using var silo = await SiloProcess.StartAsync("plain", prefix, new() { ["Orleans:SiloPort"] = siloPort.ToString() });
        var received = await PlainPeerAsync(siloPort, null);
        Assert.NotEqual(-1, received.AsSpan().IndexOf(Encoding.UTF8.GetBytes(prefix))); // what the TLS test above would miss
        Assert.Contains("ORLEANS PORTS UNAUTHENTICATED", silo.Output); // and the silo said so at start
        output.WriteLine($"plain silo port, silent peer: got {received.Length} bytes, the cluster id among them");
    }
}
