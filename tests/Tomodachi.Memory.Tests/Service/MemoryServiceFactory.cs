using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tomodachi.Memory.V1;

namespace Tomodachi.Memory.Tests.Service;

/// <summary>
/// The real Memory service in-process, with its own temporary data directory and a clock the test moves,
/// reached through a real gRPC channel.
/// </summary>
public sealed class MemoryServiceFactory : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Start = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    private readonly bool ownsDirectory;
    private GrpcChannel? channel;

    public MemoryServiceFactory()
        : this(Directory.CreateTempSubdirectory("tomodachi-memory-service-").FullName, ownsDirectory: true)
    {
    }

    /// <summary>Serves an existing data directory, which the caller deletes.</summary>
    public static MemoryServiceFactory ForDirectory(string dataDirectory) => new(dataDirectory, ownsDirectory: false);

    private MemoryServiceFactory(string dataDirectory, bool ownsDirectory)
    {
        DataDirectory = dataDirectory;
        this.ownsDirectory = ownsDirectory;
    }

    public string DataDirectory { get; }

    public FakeTimeProvider Time { get; } = new(Start);

    /// <summary>Extra configuration, applied when the service first starts.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>Services to replace, applied when the service first starts.</summary>
    public Action<IServiceCollection>? ReplaceServices { get; set; }

    public MemoryService.MemoryServiceClient Client
    {
        get
        {
            channel ??= GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });
            return new MemoryService.MemoryServiceClient(channel);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Memory:DataDirectory", DataDirectory);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            ReplaceServices?.Invoke(services);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        channel?.Dispose();
        await base.DisposeAsync();
        if (ownsDirectory)
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
