using Tomodachi.Inference.Extensions;
using Tomodachi.Inference.Grpc;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddInferenceServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGrpcDefaults();
app.MapTuning();
app.MapGrpcService<InferenceGrpcService>();
app.MapGrpcService<ConversationGrpcService>();
app.MapModelMemoryEndpoint();

app.Run();

/// <summary>Entry point, visible to the service's tests.</summary>
public partial class Program;
