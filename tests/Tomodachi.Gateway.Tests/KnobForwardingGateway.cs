using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Tomodachi.Gateway.Tests;

/// <summary>The gateway in process, forwarding knob calls to a backend the test starts.</summary>
internal static class KnobForwardingGateway
{
    public static WebApplicationFactory<Program> ForwardingKnobTo(string knobGrpc) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web => web.UseSetting("Services:knob:grpc:0", knobGrpc));
}
