using OrleansSessions.Silo.Cluster;
using OrleansSessions.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace OrleansSessions.Tests;

/// <summary>docker-compose.yml, its load balancer and the silo image, checked as files (no Docker engine here).</summary>
public sealed class DeploymentFilesTests
{
    private static readonly string Root = RepositoryFiles.Root;

    private static YamlMappingNode Compose()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root, "docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlMappingNode Map(YamlNode node, string key) => (YamlMappingNode)((YamlMappingNode)node)[key];

    private static string Text(YamlNode node, string key) => ((YamlScalarNode)((YamlMappingNode)node)[key]).Value!;

    private static IEnumerable<string> List(YamlNode node, string key) =>
        ((YamlSequenceNode)((YamlMappingNode)node)[key]).Children.Select(c => ((YamlScalarNode)c).Value!);

    [Fact]
    public void Compose_runs_redis_with_an_append_only_file_two_silos_and_a_load_balancer()
    {
        var services = Map(Compose(), "services");
        Assert.Equal(["lb", "redis", "silo1", "silo2"], services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order());

        var redis = services["redis"];
        Assert.Contains("--appendonly", List(redis, "command"));
        Assert.Equal("yes", List(redis, "command").SkipWhile(a => a != "--appendonly").ElementAt(1));
        Assert.Contains("redis-data:/data", List(redis, "volumes"));
        Assert.Contains("ping", List(Map(redis, "healthcheck"), "test"));
    }

    [Theory]
    [InlineData("silo1")]
    [InlineData("silo2")]
    public void Each_silo_joins_one_orleans_cluster_through_redis_reports_readiness_and_waits_for_a_healthy_redis(string name)
    {
        var silo = Map(Map(Compose(), "services"), name);
        var environment = Map(silo, "environment");

        Assert.Equal("redis://redis:6379", Text(environment, "REDIS_URL"));
        Assert.Equal("sessions", Text(environment, "Orleans__ClusterId")); // both silos: one cluster
        Assert.Equal(name, Text(environment, "Orleans__SiloName"));
        Assert.Equal(name, Text(environment, "Orleans__AdvertisedAddress")); // what the other silo dials
        Assert.Equal("11111", Text(environment, "Orleans__SiloPort"));
        Assert.Equal("30000", Text(environment, "Orleans__GatewayPort"));
        Assert.Equal("service_healthy", Text(Map(Map(silo, "depends_on"), "redis"), "condition"));
        var health = List(Map(silo, "healthcheck"), "test").ToList();
        Assert.Equal(["CMD", "dotnet", "OrleansSessions.Silo.dll", "probe", "http://127.0.0.1:8080/health/ready"], health);
        Assert.True(File.Exists(Path.Combine(Root, Text(Map(silo, "build"), "dockerfile"))));
        Assert.EndsWith("s", Text(silo, "stop_grace_period")); // time for the drain on SIGTERM
        Assert.Equal("unless-stopped", Text(silo, "restart")); // a silo that exits 1 after leaving its cluster comes back
    }

    [Fact]
    public void The_load_balancer_publishes_port_8080_and_routes_by_session_id_to_both_silos()
    {
        var lb = Map(Map(Compose(), "services"), "lb");
        Assert.Equal(["8080:80"], List(lb, "ports"));
        Assert.Equal("service_healthy", Text(Map(Map(lb, "depends_on"), "silo1"), "condition"));
        Assert.Equal("service_healthy", Text(Map(Map(lb, "depends_on"), "silo2"), "condition"));
        var mount = Assert.Single(List(lb, "volumes"));
        var config = File.ReadAllText(Path.Combine(Root, mount.Split(':')[0]));

        Assert.Contains("~^/v1/sessions/(?<session_id>[^/]+) $session_id;", config);
        Assert.Contains("hash $session_key consistent;", config);
        Assert.Contains("server silo1:8080", config);
        Assert.Contains("server silo2:8080", config);
        Assert.Contains("proxy_buffering off;", config); // live events are not held back
    }

    [Fact]
    public void The_silo_image_publishes_the_silo_and_listens_on_8080()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Root, "src", "Silo", "Dockerfile"));
        Assert.Contains("dotnet publish src/Silo -c Release -o /app", dockerfile);
        Assert.Contains("ENV ASPNETCORE_URLS=http://+:8080", dockerfile);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"OrleansSessions.Silo.dll\"]", dockerfile);
    }

    [Fact]
    public async Task The_probe_the_health_checks_run_exits_zero_only_for_a_ready_url()
    {
        using var server = new LoopbackHttpResponder();
        Assert.Equal(0, await HealthProbe.RunAsync(server.Url(200)));
        Assert.Equal(1, await HealthProbe.RunAsync(server.Url(503)));
        Assert.Equal(1, await HealthProbe.RunAsync($"http://127.0.0.1:{FreeTcpPort.Pick()}/health/ready")); // nothing listens
    }

    [Fact]
    public async Task The_compose_silos_start_with_their_credentials_and_the_documented_demo_keys_work()
    {
        var environment = Map(Map(Map(Compose(), "services"), "silo1"), "environment");
        var settings = environment.Children
            .Where(e => ((YamlScalarNode)e.Key).Value!.StartsWith("Auth__", StringComparison.Ordinal))
            .ToDictionary(e => ((YamlScalarNode)e.Key).Value!.Replace("__", ":"), e => ((YamlScalarNode)e.Value).Value);
        Assert.Contains("Auth:Tenants:demo:KeyHashes:0", settings.Keys);
        settings["Redis:ConnectionString"] = (await TestRedisServer.GetAsync()).ConnectionString;
        settings["Sessions:KeyPrefix"] = "t" + Guid.NewGuid().ToString("N")[..12];
        await using var silo = new SiloFactory(settings);
        var http = silo.CreateAnonymousClient();

        using var asTenant = new HttpRequestMessage(HttpMethod.Post, "/v1/sessions/chat-1/items")
        {
            Content = new StringContent("""{"userId":"alice","items":[{"role":"user","content":"Hi"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        asTenant.Headers.Add("X-Api-Key", "osk_demo_tenant_key_change_me");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.SendAsync(asTenant)).StatusCode);
        using var asAdmin = new HttpRequestMessage(HttpMethod.Get, "/v1/cluster");
        asAdmin.Headers.Add("X-Api-Key", "osk_demo_admin_key_change_me");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.SendAsync(asAdmin)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.GetAsync("/v1/sessions/chat-1")).StatusCode);
    }
}
