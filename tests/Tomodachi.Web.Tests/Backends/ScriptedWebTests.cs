using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Tomodachi.Web.Tests.Backends;

/// <summary>
/// The web pointed at the scripted inference backends (the port <c>address</c> picks: InferenceService or
/// TuningService, which the real service serves together) and at closed ports for memory and knob.
/// </summary>
public abstract class ScriptedWebTests(Func<ScriptedInference, Uri> address) : IAsyncLifetime
{
    protected ScriptedInference Backends { get; private set; } = null!;

    protected WebApplicationFactory<Program> Web { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Backends = await ScriptedInference.StartAsync();
        Web = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseSetting("Services:inference:grpc:0", address(Backends).ToString());
            host.UseSetting("Services:memory:grpc:0", "http://127.0.0.1:9");
            host.UseSetting("Services:knob:grpc:0", "http://127.0.0.1:9");
        });
    }

    public async Task DisposeAsync()
    {
        await Web.DisposeAsync();
        await Backends.DisposeAsync();
    }
}
