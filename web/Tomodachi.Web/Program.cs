using Tomodachi.Web.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCampground();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapCampground();

app.Run();

/// <summary>Entry point, visible to the web tests.</summary>
public partial class Program;
