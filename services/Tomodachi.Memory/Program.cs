using Tomodachi.Memory.Extensions;
using Tomodachi.Memory.Grpc;
using Tomodachi.Memory.Http;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMemoryServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGrpcDefaults();
app.MapGrpcService<MemoryGrpcService>();
app.MapMemoryMetricsApi();

app.Run();

/// <summary>Entry point, visible to the service's tests.</summary>
public partial class Program;
