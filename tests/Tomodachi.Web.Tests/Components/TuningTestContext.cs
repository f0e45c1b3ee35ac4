using Microsoft.Extensions.DependencyInjection;
using Radzen;
using Tomodachi.Web.Tests.Backends;
using Tomodachi.Web.Tuning;

namespace Tomodachi.Web.Tests.Components;

/// <summary>bUnit with the Tuning panel's services, talking real gRPC to a scripted inference service.</summary>
public abstract class TuningTestContext : BunitContext, IAsyncLifetime
{
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    protected ScriptedInference Backends { get; private set; } = null!;

    protected ScriptedTuningService Tuning => Backends.Tuning;

    public async Task InitializeAsync()
    {
        Backends = await ScriptedInference.StartAsync();
        Services.AddSingleton(Backends.InferenceClient);
        Services.AddSingleton(Backends.TuningClient);
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<ComparisonRun>();
        Services.AddRadzenComponents();
        JSInterop.Mode = JSRuntimeMode.Loose;
        // A chart sizes itself from the box the browser measured; loose interop would hand it null.
        JSInterop.Setup<Radzen.Blazor.Rendering.Rect>("Radzen.createChart", _ => true).SetResult(new Radzen.Blazor.Rendering.Rect { Width = 400, Height = 170 });
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Backends.DisposeAsync();
    }
}
