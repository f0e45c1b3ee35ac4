using Tomodachi.Gateway.Connect;
using Tomodachi.Gateway.Extensions;
using Tomodachi.Gateway.Limits;
using Tomodachi.Gateway.OpenAi;
using Tomodachi.Gateway.Proxy;
using Tomodachi.Gateway.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

app.UseOpenAiApi();
app.UseGatewaySecurity();
app.UseMiddleware<RequestLimitsMiddleware>();
app.UseMiddleware<ConnectProtocolMiddleware>();
app.UseMiddleware<BackendLossMiddleware>();
app.MapDefaultEndpoints();
app.MapLogin();
app.MapGrpcDefaults();
app.MapOpenAi();
app.MapReverseProxy();

app.Run();

/// <summary>Entry point, visible to the gateway's tests.</summary>
public partial class Program;
