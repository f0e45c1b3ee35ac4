using System.Device.Gpio;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tomodachi.Knob.Gpio;
using Tomodachi.Testing;
using Tomodachi.Knob.V1;

namespace Tomodachi.Knob.Tests;

/// <summary>
/// The Knob service in-process with a real gRPC channel, on simulated pins the test can also drive directly
/// (as a hand on the knob would), optionally presented to the service as real hardware.
/// </summary>
public sealed class KnobHost : IAsyncDisposable
{
    /// <summary>Every wait in these tests is bounded by this; nothing is asserted about how long anything took.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    public static readonly Dictionary<string, string?> FastKnob = new()
    {
        ["Knob:Mode"] = "simulated",
        ["Knob:DebounceMs"] = "10",
        ["Knob:EncoderDebounceMs"] = "1",
        // Long enough that no test sees a long press it did not ask for, however slow the machine.
        ["Knob:LongPressMs"] = "60000",
    };

    public static readonly Dictionary<string, string?> QuickLongPress = new() { ["Knob:LongPressMs"] = "150" };

    private readonly WebApplicationFactory<Program> _factory;
    private readonly GrpcChannel _channel;
    private TestDriverProvider? _drivers;

    private KnobHost(IReadOnlyDictionary<string, string?> settings, bool? asHardware, TimeProvider? time)
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }

            web.ConfigureTestServices(services =>
            {
                if (asHardware is { } hardware)
                {
                    services.AddSingleton<IGpioDriverProvider>(provider => _drivers =
                        new TestDriverProvider(ActivatorUtilities.CreateInstance<GpioDriverProvider>(provider), hardware));
                }

                if (time is not null)
                {
                    services.AddSingleton(time);
                }
            });
        });
        _channel = GrpcChannel.ForAddress(_factory.Server.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = _factory.Server.CreateHandler(),
        });
        Client = new KnobService.KnobServiceClient(_channel);
    }

    public KnobService.KnobServiceClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>The simulated chip, for tests that move pins themselves.</summary>
    public SimulatedGpioDriver Pins => _drivers?.Pins ?? throw new InvalidOperationException("Start the host with pin access.");

    /// <summary>A second copy of this service, on real Kestrel sockets.</summary>
    public KestrelService<Program> StartOnKestrel() => _factory.StartOnKestrel();

    public HttpClient CreateHttpClient() => _factory.CreateClient();

    /// <summary>The service as configured, on the real driver choice.</summary>
    public static KnobHost Start(IReadOnlyDictionary<string, string?>? overrides = null, TimeProvider? time = null) =>
        new(Merge(overrides), asHardware: null, time);

    /// <summary>The service on simulated pins the test can reach; <paramref name="asHardware"/> hides the simulator.</summary>
    public static KnobHost StartWithPins(IReadOnlyDictionary<string, string?>? overrides = null, bool asHardware = false) =>
        new(Merge(overrides), asHardware, time: null);

    /// <summary>Opens a watch and waits until the service has subscribed it, so no later event can be missed.</summary>
    public async Task<AsyncServerStreamingCall<WatchEventsResponse>> WatchAsync(CancellationToken cancellationToken = default)
    {
        var call = Client.WatchEvents(new WatchEventsRequest(), cancellationToken: cancellationToken);
        await call.ResponseHeadersAsync.WaitAsync(Patience, cancellationToken);
        return call;
    }

    public void Press() => Pins.SetInputLevel(ButtonPin, PinValue.Low);

    public void Release() => Pins.SetInputLevel(ButtonPin, PinValue.High);

    public int ButtonPin => Options.ButtonPin;

    public KnobOptions Options => Services.GetRequiredService<IOptions<KnobOptions>>().Value;

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _factory.DisposeAsync();
    }

    private static Dictionary<string, string?> Merge(IReadOnlyDictionary<string, string?>? overrides)
    {
        var settings = new Dictionary<string, string?>(FastKnob);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>
    /// The service's own driver choice (simulated, wired like a KY-040), keeping hold of the pins; as "hardware" it
    /// withholds the simulator, as a libgpiod chip would.
    /// </summary>
    private sealed class TestDriverProvider(IGpioDriverProvider inner, bool asHardware) : IGpioDriverProvider
    {
        public SimulatedGpioDriver? Pins { get; private set; }

        public OpenedGpioDriver Open()
        {
            var opened = inner.Open();
            Pins = opened.Simulator;
            return asHardware ? opened with { Name = "libgpiod (simulated pins)", Simulator = null } : opened;
        }
    }
}
