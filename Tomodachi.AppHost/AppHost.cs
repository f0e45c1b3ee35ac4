using Tomodachi.AppHost.Knob;
using Tomodachi.AppHost.Memory;
using Tomodachi.AppHost.Models;
using Tomodachi.AppHost.Observability;
using Tomodachi.AppHost.Runtime;
using Tomodachi.AppHost.Security;
using Tomodachi.AppHost.Startup;
using Tomodachi.AppHost.Storage;
using Tomodachi.AppHost.Supervision;

var builder = DistributedApplication.CreateBuilder(args);

// Calls into the services must come through the gateway or from each other: all of them hold this secret.
var serviceToken = builder.AddServiceToken();

// Supervision: a service that exits without being asked to is started again, with backoff, until it crash-loops
// (Supervision:* in configuration); the restart counts are served on 127.0.0.1:5199 (/metrics, /restarts).
var supervision = builder.AddSupervision();

// Services
var memory = builder.AddProject<Projects.Tomodachi_Memory>("memory")
    .WithDataPath("Memory__DataDirectory", "memory")
    .WithMemoryBackend() // embedded unless Memory:Backend=qdrant, then the "qdrant" connection-string parameter
    .WithEmbeddingModel() // the packaged sentence model unless TOMODACHI_EMBEDDING_MODEL names a GGUF one
    .WithServiceToken(serviceToken)
    .WithHttpHealthCheck("/health")
    .WithSupervision();
// Chats keep working while memory restarts, so inference references memory without waiting for it.
var inference = builder.AddProject<Projects.Tomodachi_Inference>("inference")
    .WithDataPath("Inference__Journal__Path", "journal.db")
    .WithModelFolders() // TOMODACHI_MODEL_FOLDERS: more folders of models to switch to at run time
    .WithGpuLayers() // TOMODACHI_GPU_LAYERS: layers offloaded to a GPU where a GPU backend is installed
    .WithReference(memory)
    .WithServiceToken(serviceToken)
    .WithHttpHealthCheck("/health")
    .WithSupervision();
// TOMODACHI_MODEL names the chat model (a .gguf path or hf:<owner>/<repo>/<file>.gguf); unset runs the demo model.
var model = builder.Configuration["TOMODACHI_MODEL"] is { Length: > 0 } named ? named : null;
builder.PrintStartupBanner(model);
if (model is not null)
{
    inference.WithEnvironment("Inference__Model", model);
}
else
{
    // Random weights cannot route a message: asked to, the demo model never chose to search memory. The fixed rule
    // searches memory with every message, so the demo suite uses its memory service.
    inference.WithEnvironment("Inference__OrchestratorMode", "Rules");
}
var knob = builder.AddLocalKnob()?.WithServiceToken(serviceToken).WithSupervision(); // null when TOMODACHI_KNOB_URL points at a knob on a Raspberry Pi

// Web: follows the services' streams and shows Offline while inference or memory is down, so it does not wait for them.
var web = builder.AddProject<Projects.Tomodachi_Web>("web")
    .WithReference(inference).WithReference(memory).WithKnob(knob)
    .WithServiceToken(serviceToken)
    .WithRestartCounts(supervision)
    .WithHttpHealthCheck("/health")
    .WithSupervision();

// Gateway: serves whatever is up (its /health says Degraded and names what is not), so it waits only for the web it
// serves: a service that crash-loops at start-up must not keep the rest of the suite from starting.
var gateway = builder.AddProject<Projects.Tomodachi_Gateway>("gateway")
    .WithReference(inference)
    .WithReference(memory)
    .WithKnob(knob)
    .WithReference(web).WaitFor(web)
    .WithServiceToken(serviceToken)
    .WithHttpHealthCheck("/health")
    .WithSupervision();

// Every service's native heap: see MallocArenaExtensions.
builder.CapMallocArenas();

// Observability
if (PrometheusExtensions.IsPrometheusInstalled())
{
    // Prometheus:Retention:Time (default 15d) and Prometheus:Retention:Size (default none): how long history is kept.
    var retention = PrometheusRetention.From(builder.Configuration);
    builder.AddLocalPrometheus([inference, memory, .. knob is null ? [] : new[] { knob }, web, gateway], retention, ("supervisor", supervision.Url));
    web.WithPrometheusRetention(retention);
}
else
{
    Console.WriteLine("Prometheus is not on PATH: skipping the local Prometheus (apt-get install prometheus to get it).");
}

builder.Build().Run();
