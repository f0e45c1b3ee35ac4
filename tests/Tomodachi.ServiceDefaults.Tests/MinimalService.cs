using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;

namespace Tomodachi.ServiceDefaults.Tests;

/// <summary>A minimal service on the defaults, on the in-memory test server: health, metrics, gRPC health and one REST path.</summary>
internal static class MinimalService
{
    public const string RestPath = "/api/figures";

    public static async Task<WebApplication> StartAsync(bool frontDoor, params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }

        builder.AddServiceDefaults();
        builder.AddGrpcDefaults();
        if (frontDoor)
        {
            builder.AsFrontDoor();
        }

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapGrpcDefaults();
        app.MapGet(RestPath, () => "figures");
        app.MapPost(RestPath, () => "stored");
        app.MapDelete(RestPath, () => "deleted");
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }
}
