using System.Net;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Hosting.Kubernetes;
using OrleansSessions.Grains.Storage;
using OrleansSessions.Silo.Auth;
using OrleansSessions.Silo.Cluster;
using OrleansSessions.Silo.Redis;
using OrleansSessions.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace OrleansSessions.Tests;

/// <summary>deploy/kubernetes checked as files, without kubectl or a cluster: every manifest well formed, selectors that
/// select the silo pods, the ports, probe routes, settings, RBAC verbs and stop budget the silo really has, and the
/// Secrets the Deployment names present in the example.</summary>
public sealed class KubernetesManifestsTests
{
    private static readonly string Folder = Path.Combine(RepositoryFiles.Root, "deploy", "kubernetes");

    /// <summary>Environment variables that are not settings sections, and what reads them.</summary>
    private static readonly HashSet<string> NotSettings =
    [
        KubernetesHostingOptions.PodNameEnvironmentVariable, // Orleans' Kubernetes hosting and KubernetesPod
        KubernetesHostingOptions.PodNamespaceEnvironmentVariable, // Orleans' Kubernetes hosting
        KubernetesHostingOptions.PodIPEnvironmentVariable, // Orleans' Kubernetes hosting and KubernetesPod
        "REDIS_URL", // RedisConnection
    ];

    /// <summary>Each settings section the manifests may set, and the options class it binds to (longest prefix wins).</summary>
    private static readonly Dictionary<string, Type> Sections = new()
    {
        [ClusterSettings.Section] = typeof(ClusterSettings),
        [OrleansTlsSettings.Section] = typeof(OrleansTlsSettings),
        [RedisOptions.Section] = typeof(RedisOptions),
        [AuthOptions.Section] = typeof(AuthOptions),
        [SessionStoreOptions.Section] = typeof(SessionStoreOptions),
        [SiloHostOptions.Section] = typeof(SiloHostOptions),
    };

    private sealed record Manifest(string File, YamlMappingNode Root)
    {
        public string Kind => Text(Root, "kind");
        public string Name => Text(Map(Root, "metadata"), "name");
    }

    private static List<Manifest> All() =>
        Directory.GetFiles(Folder, "*.yaml", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .SelectMany(f => Load(f).Select(d => new Manifest(Path.GetRelativePath(Folder, f), d)))
            .ToList();

    private static List<YamlMappingNode> Load(string file)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(file);
        yaml.Load(reader);
        return yaml.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static Manifest One(string kind, string? name = null) =>
        Assert.Single(All(), m => m.Kind == kind && (name is null || m.Name == name));

    private static YamlNode? Get(YamlNode node, string key) =>
        ((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static YamlMappingNode Map(YamlNode node, string key) => (YamlMappingNode)Get(node, key)!;

    private static string Text(YamlNode node, string key) => ((YamlScalarNode)Get(node, key)!).Value!;

    private static IEnumerable<YamlNode> Items(YamlNode node, string key) =>
        Get(node, key) is YamlSequenceNode sequence ? sequence.Children : [];

    private static Dictionary<string, string> Labels(YamlNode node) =>
        ((YamlMappingNode)node).Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value!);

    private static YamlMappingNode PodSpec() => Map(Map(One("Deployment").Root, "spec"), "template");

    private static YamlMappingNode Silo() => (YamlMappingNode)Assert.Single(Items(Map(PodSpec(), "spec"), "containers"));

    private static Dictionary<string, YamlMappingNode> Env() =>
        Items(Silo(), "env").Cast<YamlMappingNode>().ToDictionary(e => Text(e, "name"));

    /// <summary>The settings the manifest gives as values (not from Secrets or the downward API), as the silo reads them.</summary>
    private static IConfiguration LiteralSettings() => new ConfigurationBuilder().AddInMemoryCollection(
        Env().Where(e => Get(e.Value, "value") is not null).Select(e => KeyValuePair.Create(e.Key.Replace("__", ":"), (string?)Text(e.Value, "value")))).Build();

    private static Dictionary<string, int> ContainerPorts() =>
        Items(Silo(), "ports").ToDictionary(p => Text(p, "name"), p => int.Parse(Text(p, "containerPort")));

    [Fact]
    public void Every_manifest_parses_and_has_an_api_version_a_kind_and_a_name_and_the_kustomizations_list_them()
    {
        var manifests = All();
        Assert.Contains(manifests, m => m.Kind == "Deployment");
        foreach (var manifest in manifests)
        {
            Assert.False(string.IsNullOrWhiteSpace(Text(manifest.Root, "apiVersion")), manifest.File);
            Assert.False(string.IsNullOrWhiteSpace(manifest.Name), manifest.File);
            Assert.Null(Get(Map(manifest.Root, "metadata"), "namespace")); // namespace-agnostic
        }
        foreach (var kustomization in Directory.GetFiles(Folder, "kustomization.yaml", SearchOption.AllDirectories))
        {
            var root = Assert.Single(Load(kustomization));
            Assert.Equal("Kustomization", Text(root, "kind"));
            var folder = Path.GetDirectoryName(kustomization)!;
            var listed = Items(root, "resources").Select(r => ((YamlScalarNode)r).Value!).Order().ToList();
            var files = Directory.GetFiles(folder, "*.yaml").Select(f => Path.GetFileName(f))
                .Where(f => f is not ("kustomization.yaml" or "secrets.example.yaml")).Order().ToList();
            Assert.Equal(files, listed); // every manifest but the example Secrets is applied, and nothing else
        }
        var image = Assert.Single(Items(Assert.Single(Load(Path.Combine(Folder, "kustomization.yaml"))), "images"));
        Assert.Equal(Text(Silo(), "image"), Text(image, "name"));
    }

    [Fact]
    public void The_services_the_budget_the_network_policy_and_the_deployment_select_the_silo_pods()
    {
        var podLabels = Labels(Map(Map(PodSpec(), "metadata"), "labels"));
        var deployment = Map(One("Deployment").Root, "spec");
        Assert.Equal(3, int.Parse(Text(deployment, "replicas")));
        var selectors = new List<(string What, YamlNode Selector)>
        {
            ("Deployment", Map(Map(deployment, "selector"), "matchLabels")),
            ("PodDisruptionBudget", Map(Map(Map(One("PodDisruptionBudget").Root, "spec"), "selector"), "matchLabels")),
            ("NetworkPolicy", Map(Map(Map(One("NetworkPolicy").Root, "spec"), "podSelector"), "matchLabels")),
            ("topologySpreadConstraints", Map(Map(Assert.Single(Items(Map(PodSpec(), "spec"), "topologySpreadConstraints")), "labelSelector"), "matchLabels")),
        };
        selectors.AddRange(All().Where(m => m.Kind == "Service" && m.File == "services.yaml").Select(s => ($"Service {s.Name}", (YamlNode)Map(Map(s.Root, "spec"), "selector"))));
        Assert.Equal(6, selectors.Count);
        foreach (var (what, selector) in selectors)
        {
            var labels = Labels(selector);
            Assert.NotEmpty(labels);
            foreach (var (key, value) in labels)
            {
                Assert.True(podLabels.GetValueOrDefault(key) == value, $"{what} selects {key}={value}, which the silo pods lack");
            }
        }

        var redis = One("StatefulSet", "redis");
        var redisPods = Labels(Map(Map(Map(Map(redis.Root, "spec"), "template"), "metadata"), "labels"));
        Assert.All(Labels(Map(Map(One("Service", "redis").Root, "spec"), "selector")), l => Assert.Equal(l.Value, redisPods.GetValueOrDefault(l.Key)));
    }

    [Fact]
    public void The_pods_carry_the_orleans_labels_of_the_cluster_their_silos_join()
    {
        var podLabels = Labels(Map(Map(PodSpec(), "metadata"), "labels"));
        var settings = LiteralSettings().GetSection(ClusterSettings.Section).Get<ClusterSettings>()!;
        Assert.Equal(settings.ServiceId, podLabels[KubernetesHostingOptions.ServiceIdLabel]);
        Assert.Equal(settings.ClusterId, podLabels[KubernetesHostingOptions.ClusterIdLabel]);
        var env = Env();
        // One source for the ids, the silo name and the address: the silo's settings, defaulting to the pod's in a pod.
        Assert.DoesNotContain(KubernetesHostingOptions.ClusterIdEnvironmentVariable, env.Keys);
        Assert.DoesNotContain(KubernetesHostingOptions.ServiceIdEnvironmentVariable, env.Keys);
        Assert.DoesNotContain("Orleans__SiloName", env.Keys);
        Assert.DoesNotContain("Orleans__AdvertisedAddress", env.Keys);
        Assert.Equal("metadata.name", Text(Map(Map(env["POD_NAME"], "valueFrom"), "fieldRef"), "fieldPath"));
        Assert.Equal("metadata.namespace", Text(Map(Map(env["POD_NAMESPACE"], "valueFrom"), "fieldRef"), "fieldPath"));
        Assert.Equal("status.podIP", Text(Map(Map(env["POD_IP"], "valueFrom"), "fieldRef"), "fieldPath"));
    }

    [Fact]
    public void The_container_ports_are_the_silos_own_and_the_services_and_policy_reach_them_by_name()
    {
        var settings = new ClusterSettings();
        LiteralSettings().GetSection(ClusterSettings.Section).Bind(settings);
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "src", "Silo", "Dockerfile"));
        var urls = dockerfile.Split('\n').Single(l => l.StartsWith("ENV ASPNETCORE_URLS=", StringComparison.Ordinal))["ENV ASPNETCORE_URLS=".Length..];
        Assert.DoesNotContain("ASPNETCORE_URLS", Env().Keys); // the image's URL stands
        var http = new Uri(urls.Replace("+", "localhost", StringComparison.Ordinal)).Port;

        Assert.Equal(new Dictionary<string, int> { ["http"] = http, ["silo"] = settings.SiloPort, ["gateway"] = settings.GatewayPort }, ContainerPorts());
        Assert.Equal((8080, 11111, 30000), (http, settings.SiloPort, settings.GatewayPort));

        var api = Map(One("Service", "orleans-sessions").Root, "spec");
        Assert.Equal("http", Text(Assert.Single(Items(api, "ports")), "targetPort"));
        var orleans = Map(One("Service", "orleans-sessions-silo").Root, "spec");
        Assert.Equal("None", Text(orleans, "clusterIP")); // headless: pod IPs, as Orleans' membership lists them
        Assert.Equal("true", Text(orleans, "publishNotReadyAddresses"));
        Assert.Equal(["gateway", "silo"], Items(orleans, "ports").Select(p => Text(p, "targetPort")).Order());
        Assert.All(Items(orleans, "ports"), p => Assert.Equal(ContainerPorts()[Text(p, "targetPort")], int.Parse(Text(p, "port"))));
        var policyPorts = Items(Map(One("NetworkPolicy").Root, "spec"), "ingress").SelectMany(r => Items(r, "ports")).Select(p => Text(p, "port")).ToList();
        Assert.All(policyPorts, p => Assert.Contains(p, ContainerPorts().Keys));
    }

    [Fact]
    public async Task The_probes_get_routes_the_silo_serves_to_callers_without_credentials()
    {
        var probes = new[] { "startupProbe", "livenessProbe", "readinessProbe" }.Select(p => Map(Map(Silo(), p), "httpGet")).ToList();
        Assert.All(probes, p => Assert.Equal("http", Text(p, "port")));
        Assert.Equal("/health/ready", Text(probes[2], "path")); // readiness is the route that fails while draining

        await using var silo = await SiloFactory.OnTestServerAsync();
        var anonymous = silo.CreateAnonymousClient();
        foreach (var path in probes.Select(p => Text(p, "path")).Distinct())
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(path)).StatusCode);
        }
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.GetAsync("/health/nothing")).StatusCode); // a path the silo lacks would fail
    }

    [Fact]
    public void Every_setting_the_deployment_sets_is_a_property_of_its_options_class()
    {
        var env = Env();
        Assert.Contains("Orleans__Tls__CertificatePath", env.Keys);
        foreach (var name in env.Keys.Where(n => !NotSettings.Contains(n)))
        {
            var key = name.Replace("__", ":");
            var section = Sections.Keys.Where(s => key.StartsWith(s + ":", StringComparison.Ordinal)).MaxBy(s => s.Length);
            Assert.True(section is not null, $"{name} is neither a setting of a known section nor one of {string.Join(", ", NotSettings)}");
            Assert.True(NamesASetting(Sections[section], key[(section.Length + 1)..].Split(':')), $"{name} names no setting of {Sections[section].Name}");
        }
        Assert.False(NamesASetting(typeof(ClusterSettings), ["SiloPorts"])); // the check tells a typo
    }

    /// <summary>Whether the configuration path names a scalar property of the options type, through dictionaries
    /// (any key) and lists (an index), the way the configuration binder walks it.</summary>
    private static bool NamesASetting(Type type, string[] path)
    {
        foreach (var segment in path)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                type = type.GetGenericArguments()[1];
            }
            else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
            {
                if (!int.TryParse(segment, out _)) return false;
                type = type.GetGenericArguments()[0];
            }
            else if (type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { CanWrite: true } property)
            {
                type = property.PropertyType;
            }
            else
            {
                return false;
            }
        }
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(TimeSpan);
    }

    [Fact]
    public void The_settings_given_as_values_pass_the_silos_own_checks()
    {
        var settings = LiteralSettings();
        var cluster = settings.GetSection(ClusterSettings.Section).Get<ClusterSettings>()!;
        Assert.True(new ClusterSettingsValidator().Validate(null, cluster).Succeeded);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.GetSection(SiloHostOptions.Section).Get<SiloHostOptions>()!.ShutdownDrainDelay);
        Assert.Equal("os", settings.GetSection(SessionStoreOptions.Section).Get<SessionStoreOptions>()!.KeyPrefix);
    }

    [Fact]
    public void The_role_grants_the_verbs_orleans_kubernetes_hosting_uses_and_no_more_to_the_silos_service_account()
    {
        // The agent's own example role, from the package itself (KubernetesClusterAgent logs it on a 403).
        var example = (string)typeof(KubernetesClusterAgent).GetField("ExampleRoleBinding", BindingFlags.NonPublic | BindingFlags.Static)!.GetRawConstantValue()!;
        var exampleRule = (YamlMappingNode)Assert.Single(Items(Assert.Single(LoadText(example), d => Text(d, "kind") == "Role"), "rules"));
        var needed = Items(exampleRule, "verbs").Select(v => ((YamlScalarNode)v).Value!).Order().ToList();
        Assert.Equal(["get", "list", "patch", "watch"], needed);
        Assert.False(new KubernetesHostingOptions().DeleteDefunctSiloPods); // else "delete" too; KubernetesPod leaves it off

        var rule = (YamlMappingNode)Assert.Single(Items(One("Role").Root, "rules"));
        Assert.Equal(needed, Items(rule, "verbs").Select(v => ((YamlScalarNode)v).Value!).Order());
        Assert.Equal(["pods"], Items(rule, "resources").Select(v => ((YamlScalarNode)v).Value!));
        Assert.Equal([""], Items(rule, "apiGroups").Select(v => ((YamlScalarNode)v).Value!));

        var binding = One("RoleBinding").Root;
        Assert.Equal(One("Role").Name, Text(Map(binding, "roleRef"), "name"));
        var account = Text(Map(PodSpec(), "spec"), "serviceAccountName");
        Assert.Equal(One("ServiceAccount").Name, account);
        var subject = Assert.Single(Items(binding, "subjects"));
        Assert.Equal(("ServiceAccount", account), (Text(subject, "kind"), Text(subject, "name")));
        Assert.NotEqual("false", Text(Map(PodSpec(), "spec"), "automountServiceAccountToken"));
    }

    private static List<YamlMappingNode> LoadText(string text)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        return yaml.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    [Fact]
    public void The_termination_grace_outlasts_the_pre_stop_sleep_the_drain_and_the_hosts_stop_deadline()
    {
        var spec = Map(PodSpec(), "spec");
        var grace = TimeSpan.FromSeconds(int.Parse(Text(spec, "terminationGracePeriodSeconds")));
        var preStop = Items(Map(Map(Map(Silo(), "lifecycle"), "preStop"), "exec"), "command").Select(c => ((YamlScalarNode)c).Value!).ToList();
        Assert.Equal("sleep", preStop[0]);
        var sleep = TimeSpan.FromSeconds(int.Parse(Assert.Single(preStop.Skip(1))));
        var drain = LiteralSettings().GetSection(SiloHostOptions.Section).Get<SiloHostOptions>()!.ShutdownDrainDelay;
        var stopDeadline = new HostOptions().ShutdownTimeout; // the host's whole stop, drain included; not changed here
        Assert.DoesNotContain(Env().Keys, k => k.Contains("shutdowntimeout", StringComparison.OrdinalIgnoreCase));

        Assert.InRange(drain, TimeSpan.FromSeconds(1), stopDeadline - TimeSpan.FromSeconds(10)); // room to stop Orleans after the drain
        Assert.True(drain + FailedStopDeadline.Grace < stopDeadline); // a silo declared dead exits sooner still
        Assert.True(grace > sleep + stopDeadline, $"terminationGracePeriodSeconds {grace} ≤ preStop {sleep} + stop deadline {stopDeadline}");
    }

    [Fact]
    public void The_silo_runs_as_non_root_on_a_read_only_root_with_limits_and_a_writable_tmp()
    {
        var pod = Map(Map(PodSpec(), "spec"), "securityContext");
        Assert.Equal("true", Text(pod, "runAsNonRoot"));
        Assert.NotEqual(0, int.Parse(Text(pod, "runAsUser")));
        var container = Map(Silo(), "securityContext");
        Assert.Equal(("true", "false"), (Text(container, "readOnlyRootFilesystem"), Text(container, "allowPrivilegeEscalation")));
        Assert.Equal(["ALL"], Items(Map(container, "capabilities"), "drop").Select(c => ((YamlScalarNode)c).Value!));
        var resources = Map(Silo(), "resources");
        Assert.NotNull(Get(Map(resources, "requests"), "memory"));
        Assert.NotNull(Get(Map(resources, "limits"), "memory"));

        var tmp = Assert.Single(Items(Silo(), "volumeMounts"), m => Text(m, "mountPath") == "/tmp");
        var volume = Assert.Single(Items(Map(PodSpec(), "spec"), "volumes"), v => Text(v, "name") == Text(tmp, "name"));
        Assert.NotNull(Get(volume, "emptyDir"));
    }

    [Fact]
    public void Every_secret_the_deployment_names_is_in_the_example_with_its_key_and_the_tls_files_are_in_its_mount()
    {
        var examples = Load(Path.Combine(Folder, "secrets.example.yaml")).Where(d => Text(d, "kind") == "Secret")
            .ToDictionary(d => Text(Map(d, "metadata"), "name"), d => Map(d, "stringData").Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet());
        var references = Env().Values.Select(e => Get(e, "valueFrom") is { } from ? Get(from, "secretKeyRef") : null).OfType<YamlMappingNode>().ToList();
        Assert.NotEmpty(references);
        foreach (var reference in references)
        {
            Assert.Contains(Text(reference, "key"), examples[Text(reference, "name")]);
        }

        var tls = Assert.Single(Items(Map(PodSpec(), "spec"), "volumes"), v => Get(v, "secret") is not null);
        var files = examples[Text(Map(tls, "secret"), "secretName")];
        var mount = Text(Assert.Single(Items(Silo(), "volumeMounts"), m => Text(m, "name") == Text(tls, "name")), "mountPath");
        var settings = LiteralSettings();
        Assert.Equal("true", settings["Orleans:Tls:Enabled"]);
        foreach (var key in new[] { "Orleans:Tls:CertificatePath", "Orleans:Tls:KeyPath", "Orleans:Tls:CaPath" })
        {
            var path = settings[key]!;
            Assert.Equal(mount, Path.GetDirectoryName(path));
            Assert.Contains(Path.GetFileName(path), files);
        }
    }

    [Fact]
    public async Task The_example_secrets_placeholders_stop_a_silo_at_start_naming_each_setting()
    {
        var auth = Load(Path.Combine(Folder, "secrets.example.yaml")).Single(d => Text(Map(d, "metadata"), "name") == "orleans-sessions-auth");
        var settings = new Dictionary<string, string?> { ["Redis:ConnectionString"] = (await TestRedisServer.GetAsync()).ConnectionString };
        foreach (var (name, env) in Env())
        {
            if (Get(env, "valueFrom") is { } from && Get(from, "secretKeyRef") is { } reference && Text(reference, "name") == "orleans-sessions-auth")
            {
                settings[name.Replace("__", ":")] = Text(Map(auth, "stringData"), Text(reference, "key"));
            }
        }
        Assert.Equal(3, settings.Count - 1);
        await using var silo = new SiloFactory(settings);

        var refused = Assert.Throws<OptionsValidationException>(() => silo.CreateClient());
        Assert.Contains("Auth:Tenants:example:KeyHashes", refused.Message);
        Assert.Contains("Auth:AdminKeyHashes", refused.Message);
        Assert.Contains("Auth:TokenSigningKey", refused.Message);
    }

    [Fact]
    public void The_trial_redis_keeps_an_append_only_file_on_a_persistent_volume_claim()
    {
        var spec = Map(One("StatefulSet", "redis").Root, "spec");
        var redis = (YamlMappingNode)Assert.Single(Items(Map(Map(spec, "template"), "spec"), "containers"));
        var args = Items(redis, "args").Select(a => ((YamlScalarNode)a).Value!).ToList();
        Assert.Equal("yes", args[args.IndexOf("--appendonly") + 1]);
        var claim = Text(Map(Assert.Single(Items(spec, "volumeClaimTemplates")), "metadata"), "name");
        var mount = Assert.Single(Items(redis, "volumeMounts"), m => Text(m, "name") == claim);
        Assert.Equal(args[args.IndexOf("--dir") + 1], Text(mount, "mountPath"));
    }
}
