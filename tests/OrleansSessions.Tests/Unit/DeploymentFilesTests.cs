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
    public void The_image_and_dotnet_run_set_the_runtime_variables_the_bench_and_the_tests_start_the_silo_with()
    {
        var dockerfile = File.ReadAllLines(Path.Combine(Root, "src", "Silo", "Dockerfile"))
            .Where(line => line.StartsWith("ENV DOTNET_", StringComparison.Ordinal))
            .Select(line => line["ENV ".Length..].Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
        using var launch = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "src", "Silo", "Properties", "launchSettings.json")));
        var dotnetRun = launch.RootElement.GetProperty("profiles").GetProperty("Silo").GetProperty("environmentVariables").EnumerateObject()
            .Where(variable => variable.Name.StartsWith("DOTNET_", StringComparison.Ordinal))
            .ToDictionary(variable => variable.Name, variable => variable.Value.GetString()!);

        Assert.NotEmpty(RuntimeVariables.All);
        Assert.Equal(RuntimeVariables.All.OrderBy(v => v.Key), dockerfile.OrderBy(v => v.Key));
        Assert.Equal(RuntimeVariables.All.OrderBy(v => v.Key), dotnetRun.OrderBy(v => v.Key));
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

    [Theory]
    [InlineData("silo1")]
    [InlineData("silo2")]
    public void Each_compose_silo_runs_mutual_tls_with_certificates_mounted_read_only_from_deploy_certs(string name)
    {
        var silo = Map(Map(Compose(), "services"), name);
        var environment = Map(silo, "environment");
        Assert.Equal("true", Text(environment, "Orleans__Tls__Enabled"));
        Assert.Equal($"/certs/{name}.crt", Text(environment, "Orleans__Tls__CertificatePath"));
        Assert.Equal($"/certs/{name}.key", Text(environment, "Orleans__Tls__KeyPath"));
        Assert.Equal("/certs/ca.crt", Text(environment, "Orleans__Tls__CaPath"));
        Assert.Equal(["./deploy/certs:/certs:ro"], List(silo, "volumes"));
        // No certificate or key is committed: git ignores everything in deploy/certs/ but its .gitignore.
        Assert.Equal(["*", "!.gitignore"], File.ReadAllLines(Path.Combine(Root, "deploy", "certs", ".gitignore")).Where(l => !l.StartsWith('#')));
    }

    [Fact]
    public async Task The_openssl_commands_in_the_compose_file_make_certificates_the_silo_accepts_and_that_admit_each_other()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "docker-compose.yml"));
        var commands = lines.SkipWhile(l => !l.Contains("With openssl", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.StartsWith("#   ", StringComparison.Ordinal)).Select(l => l[4..]).ToList();
        Assert.Contains(commands, c => c.StartsWith("openssl req -x509", StringComparison.Ordinal));
        using var certificates = new TestCertificates(); // only for its temporary directory
        var info = new System.Diagnostics.ProcessStartInfo("bash") { WorkingDirectory = certificates.DirectoryPath, RedirectStandardError = true };
        info.ArgumentList.Add("-ec");
        info.ArgumentList.Add(string.Join('\n', commands));
        using var openssl = System.Diagnostics.Process.Start(info)!;
        var errors = await openssl.StandardError.ReadToEndAsync();
        await openssl.WaitForExitAsync();
        Assert.True(openssl.ExitCode == 0, errors);

        var settings = new OrleansTlsSettings
        {
            Enabled = true,
            CertificatePath = Path.Combine(certificates.DirectoryPath, "silo1.crt"),
            KeyPath = Path.Combine(certificates.DirectoryPath, "silo1.key"),
            CaPath = Path.Combine(certificates.DirectoryPath, "ca.crt"),
        };
        var result = new OrleansTlsSettingsValidator().Validate(null, settings);
        Assert.True(result.Succeeded, result.FailureMessage);
        var backend = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(
            Path.Combine(certificates.DirectoryPath, "backend.crt"), Path.Combine(certificates.DirectoryPath, "backend.key"));
        Assert.True(OrleansSessions.Rules.MutualTls.ChainsTo(backend, settings.LoadCa()));
        Assert.False(OrleansSessions.Rules.MutualTls.ChainsTo(backend, certificates.CaCollection)); // the test's own CA: another
    }
}
