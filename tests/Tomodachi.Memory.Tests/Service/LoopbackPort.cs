using System.Net;
using System.Net.Sockets;

namespace Tomodachi.Memory.Tests.Service;

internal static class LoopbackPort
{
    /// <summary>A loopback port nothing listens on right now (the OS picked it and it was released).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
