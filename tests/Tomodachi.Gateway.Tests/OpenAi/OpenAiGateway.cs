using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Tomodachi.Testing;

namespace Tomodachi.Gateway.Tests.OpenAi;

/// <summary>The gateway on real Kestrel, its inference backend the scripted one, and an HTTP client for its /v1 door.</summary>
internal sealed class OpenAiGateway : IAsyncDisposable
{
    private readonly WebApplication _backend;
    private readonly KestrelService<Program> _gateway;

    private OpenAiGateway(WebApplication backend, KestrelService<Program> gateway, InferenceScript script, MemoryScript memory)
    {
        _backend = backend;
        _gateway = gateway;
        Script = script;
        Memory = memory;
        Http = new HttpClient { BaseAddress = gateway.HttpAddress, Timeout = TimeSpan.FromMinutes(1) };
    }

    public InferenceScript Script { get; }

    public MemoryScript Memory { get; }

    public HttpClient Http { get; }

    /// <summary>The stand-in inference and memory services share one backend process and port.</summary>
    public static async Task<OpenAiGateway> StartAsync(
        Action<InferenceScript>? script = null, Action<MemoryScript>? memoryScript = null, params (string Key, string Value)[] settings)
    {
        var inference = new InferenceScript();
        script?.Invoke(inference);
        var memory = new MemoryScript();
        memoryScript?.Invoke(memory);
        var builder = LoopbackBackend.CreateBuilder(HttpProtocols.Http2);
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(inference);
        builder.Services.AddSingleton(memory);
        var backend = builder.Build();
        backend.MapGrpcService<ScriptedInferenceService>();
        backend.MapGrpcService<ScriptedMemoryService>();
        await backend.StartAsync();

        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Services:inference:grpc:0", backend.Addresses().Single());
            web.UseSetting("Services:memory:grpc:0", backend.Addresses().Single());
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });
        return new OpenAiGateway(backend, factory.StartOnKestrel(), inference, memory);
    }

    public Task<HttpResponseMessage> PostAsync(string path, string json, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
    }
}
