using Microsoft.Extensions.Options;
using Orleans.Hosting.Kubernetes;

namespace OrleansSessions.Silo.Cluster;

/// <summary>
/// A silo in a Kubernetes pod runs on Orleans' Kubernetes hosting: its silo name is the pod's name and it advertises
/// the pod's IP, and Orleans' cluster agent declares dead the silo of a pod that was deleted (also one deleted while
/// the silo was down) so its membership entry does not linger. Orleans' hosting also makes the silo listen on all the
/// pod's interfaces (its IP and loopback) rather than on the advertised address only.
/// <para>One source wins, deliberately: <see cref="ClusterSettings"/>. In a pod its silo name and advertised address
/// default to POD_NAME and POD_IP, the same values Orleans' hosting reads from the environment, so both configure
/// Orleans alike whatever order they run in, and GET /v1/cluster names the pod. An Orleans:SiloName or
/// Orleans:AdvertisedAddress that names something else, or an ORLEANS_CLUSTER_ID / ORLEANS_SERVICE_ID that differs
/// from Orleans:ClusterId / Orleans:ServiceId, stops the silo at start: the agent matches silos to pods by name and
/// finds its pods by those ids, so a silo whose values disagreed would be declared dead as "without a pod".</para>
/// </summary>
internal sealed class KubernetesPod(IConfiguration configuration) : IPostConfigureOptions<ClusterSettings>, IValidateOptions<ClusterSettings>
{
    /// <summary>Set by the kubelet in every container of every pod.</summary>
    public const string ServiceHostVariable = "KUBERNETES_SERVICE_HOST";

    /// <summary>The silo runs in a pod when both KUBERNETES_SERVICE_HOST (set by the kubelet) and POD_NAME (set by the
    /// manifest from the downward API) are present. The first alone would take any container in any pod, a test job
    /// say, for a silo Orleans' agent could not find among its pods.</summary>
    public static bool IsCurrent(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[ServiceHostVariable])
        && !string.IsNullOrWhiteSpace(configuration[KubernetesHostingOptions.PodNameEnvironmentVariable]);

    /// <summary>Adds Orleans' Kubernetes hosting when the silo runs in a pod (see <see cref="IsCurrent"/>). Its cluster
    /// agent needs get, list, watch and patch on pods in the silo's namespace (deploy/kubernetes/rbac.yaml). Pods of silos
    /// declared dead are not deleted (DeleteDefunctSiloPods stays off): such a silo exits with code 1 and the kubelet
    /// restarts it in the same pod, which a deletion would throw away.</summary>
    public static void UseKubernetesHostingInPod(ISiloBuilder silo, IConfiguration configuration)
    {
        if (!IsCurrent(configuration)) return;
        silo.UseKubernetesHosting();
        silo.Services.AddSingleton<KubernetesPod>();
        silo.Services.AddSingleton<IPostConfigureOptions<ClusterSettings>>(services => services.GetRequiredService<KubernetesPod>());
        silo.Services.AddSingleton<IValidateOptions<ClusterSettings>>(services => services.GetRequiredService<KubernetesPod>());
    }

    private string PodName => configuration[KubernetesHostingOptions.PodNameEnvironmentVariable]!;

    private string? PodIp => configuration[KubernetesHostingOptions.PodIPEnvironmentVariable] is { Length: > 0 } ip ? ip : null;

    public void PostConfigure(string? name, ClusterSettings settings)
    {
        if (string.IsNullOrWhiteSpace(configuration[$"{ClusterSettings.Section}:{nameof(ClusterSettings.SiloName)}"])) settings.SiloName = PodName;
        if (string.IsNullOrWhiteSpace(settings.AdvertisedAddress) && PodIp is { } ip) settings.AdvertisedAddress = ip;
    }

    public ValidateOptionsResult Validate(string? name, ClusterSettings settings)
    {
        var errors = new List<string>();
        if (settings.SiloName != PodName)
        {
            errors.Add($"Orleans:SiloName: in a Kubernetes pod the silo name is the pod's name (POD_NAME '{PodName}'), not '{settings.SiloName}'; remove the setting.");
        }
        if (PodIp is { } ip && settings.AdvertisedAddress != ip)
        {
            errors.Add($"Orleans:AdvertisedAddress: in a Kubernetes pod the silo advertises the pod's IP (POD_IP '{ip}'), not '{settings.AdvertisedAddress}'; remove the setting.");
        }
        Agree(KubernetesHostingOptions.ClusterIdEnvironmentVariable, nameof(ClusterSettings.ClusterId), settings.ClusterId, errors);
        Agree(KubernetesHostingOptions.ServiceIdEnvironmentVariable, nameof(ClusterSettings.ServiceId), settings.ServiceId, errors);
        return errors.Count > 0 ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }

    private void Agree(string variable, string setting, string value, List<string> errors)
    {
        if (configuration[variable] is { Length: > 0 } other && other != value)
        {
            errors.Add($"Orleans:{setting}: is '{value}' but {variable} is '{other}'; the silo takes Orleans:{setting} only, so set that and drop {variable}.");
        }
    }
}
