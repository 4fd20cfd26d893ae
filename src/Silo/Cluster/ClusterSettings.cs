using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace OrleansSessions.Silo.Cluster;

/// <summary>Where a session's activation goes the first time it is called.</summary>
internal enum GrainPlacement
{
    /// <summary>On the silo that received the call: with a load balancer that spreads (or hashes) requests, sessions
    /// spread with them, and a balancer that routes by session id makes every call local.</summary>
    PreferLocal,
    Random,
    HashBased,
    /// <summary>Orleans' own default: by CPU and memory statistics, which lag behind a burst of new sessions.</summary>
    ResourceOptimized,
}

/// <summary>The Orleans side of a silo (section "Orleans"): which cluster it joins, its ports and advertised
/// address, how fast a dead silo is detected, where new activations go, and call timing. Bound and checked by
/// <see cref="ClusterSettingsServiceCollectionExtensions.AddClusterSettings"/>.</summary>
internal sealed class ClusterSettings
{
    public const string Section = "Orleans";

    /// <summary>Silos with the same cluster id (and service id) on the same Redis form one cluster.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "Orleans:ClusterId: 1 to 64 of A-Z a-z 0-9 _ . -")]
    public string ClusterId { get; set; } = "orleans-sessions";

    /// <summary>Stays the same across deployments of this service (Orleans keys durable state by it).</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "Orleans:ServiceId: 1 to 64 of A-Z a-z 0-9 _ . -")]
    public string ServiceId { get; set; } = "orleans-sessions";

    /// <summary>This silo's name in the membership table and in GET /v1/cluster.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.:@-]{1,128}$", ErrorMessage = "Orleans:SiloName: 1 to 128 of A-Z a-z 0-9 _ . : @ -")]
    public string SiloName { get; set; } = $"{Dns.GetHostName()}-{Environment.ProcessId}";

    /// <summary>Silo-to-silo port; 0 takes a free one (tests, several silos on one machine).</summary>
    [Range(0, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port for Orleans clients (IClusterClient); 0 takes a free one.</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The IP address or host name other silos reach this one at (a container's service name, say); the
    /// silo listens there and nowhere else. Default: this machine's first private address (10/8, 172.16/12,
    /// 192.168/16, 100.64/10, fc00::/7); loopback with the embedded store.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>How long a probe of another silo may go unanswered before it counts as missed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes after which a silo votes another dead. With the probe timeout: a killed silo is declared
    /// dead, and its sessions answer on the survivors, about ProbeTimeout × NumMissedProbesLimit after it died.</summary>
    [Range(1, 10)]
    public int NumMissedProbesLimit { get; set; } = 2;

    public GrainPlacement Placement { get; set; } = GrainPlacement.PreferLocal;

    /// <summary>An activation with no call for this long is deactivated (its cache freed), within half that again
    /// (Orleans looks for idle activations every half age, at most every minute).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "7.00:00:00")]
    public TimeSpan IdleDeactivationAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A grain call that takes longer fails (503 at the HTTP API), and the grain is told to cancel it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The address the silo advertises and listens on: the configured one, else this machine's first private one
    /// (see <see cref="FirstPrivate"/>).</summary>
    /// <exception cref="OptionsValidationException">none is configured and the machine has no private address.</exception>
    public IPAddress AdvertisedIp() => AdvertisedIp(System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
        .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
        .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address));

    /// <param name="machineAddresses">The addresses of the machine's interfaces that are up.</param>
    public IPAddress AdvertisedIp(IEnumerable<IPAddress> machineAddresses)
    {
        if (AdvertisedAddress is { Length: > 0 } host) return IPAddress.TryParse(host, out var ip) ? ip : Resolve(host)!;
        return FirstPrivate(machineAddresses) ?? throw new OptionsValidationException(Section, typeof(ClusterSettings),
            ["Orleans:AdvertisedAddress: this machine has no private address (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7); name the one other silos reach this one at."]);
    }

    /// <summary>The first private IPv4 address (RFC 1918, shared address space), else the first unique local IPv6 one:
    /// silo ports carry no authentication, so they are never offered on a public address unless configured.</summary>
    public static IPAddress? FirstPrivate(IEnumerable<IPAddress> addresses)
    {
        var candidates = addresses.Where(IsPrivate).ToList();
        return candidates.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? candidates.FirstOrDefault();
    }

    private static bool IsPrivate(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6) return (address.GetAddressBytes()[0] & 0xFE) == 0xFC;
        var b = address.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 100 && b[1] is >= 64 and <= 127);
    }

    public static IPAddress? Resolve(string host)
    {
        try
        {
            return Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? Dns.GetHostAddresses(host).FirstOrDefault();
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
