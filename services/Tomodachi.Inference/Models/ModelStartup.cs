using Microsoft.Extensions.Options;
using Tomodachi.Inference.Configuration;

namespace Tomodachi.Inference.Models;

/// <summary>Loads the configured model in the background, so the service answers health checks while it loads.</summary>
public sealed class ModelStartup(IModelManager models, IOptions<InferenceOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.LoadOnStartup)
        {
            await models.LoadAsync(null, stoppingToken);
        }
    }
}
