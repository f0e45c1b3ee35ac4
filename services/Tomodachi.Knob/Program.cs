using Tomodachi.Knob.Extensions;
using Tomodachi.Knob.Grpc;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddKnobServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGrpcDefaults();
app.MapGrpcService<KnobGrpcService>();

app.Run();

/// <summary>Entry point, visible to the service's tests.</summary>
public partial class Program;
