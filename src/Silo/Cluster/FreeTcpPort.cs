using System.Net;
using System.Net.Sockets;

namespace OrleansSessions.Silo.Cluster;

/// <summary>A TCP port nothing listens on now, for a server about to bind it (an Orleans port set to 0, the embedded
/// store). It is drawn from below the ephemeral range: a port the kernel hands out for bind(0) is an ephemeral one,
/// which any outgoing connection on the machine may take before the server binds it ("address already in use").</summary>
internal static class FreeTcpPort
{
    private const int Lowest = 10_000;
    private const string LinuxEphemeralRange = "/proc/sys/net/ipv4/ip_local_port_range";

    public static int Pick()
    {
        var below = FirstEphemeralPort();
        for (var attempt = 0; attempt < 100 && below > Lowest; attempt++)
        {
            var port = Random.Shared.Next(Lowest, below);
            if (IsFree(port)) return port;
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0); // no room below the ephemeral range
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Linux's configured start of the range; elsewhere the IANA one (Windows, macOS).</summary>
    private static int FirstEphemeralPort()
    {
        try
        {
            var first = File.ReadAllText(LinuxEphemeralRange).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0];
            return int.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 49_152;
        }
    }
}
