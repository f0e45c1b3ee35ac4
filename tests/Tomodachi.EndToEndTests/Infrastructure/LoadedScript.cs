using Tomodachi.Inference.V1;

namespace Tomodachi.EndToEndTests.Infrastructure;

/// <summary>
/// A <see cref="ScriptedModel"/> written into the suite's model folder and loaded through LoadModel, as a person
/// loads a model; disposing it loads the model that ran before, on which the rest of the collection runs.
/// </summary>
internal sealed class LoadedScript : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);
    private readonly InferenceService.InferenceServiceClient inference;
    private readonly string previous;

    private LoadedScript(InferenceService.InferenceServiceClient inference, string previous)
    {
        this.inference = inference;
        this.previous = previous;
    }

    public static async Task<LoadedScript> LoadAsync(CampgroundFixture suite, ScriptedModel.Script script)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var inference = new InferenceService.InferenceServiceClient(suite.GatewayChannel);
        var before = (await inference.GetModelAsync(new GetModelRequest(), cancellationToken: timeout.Token)).Model.Path;
        var path = Path.Combine(suite.ModelFolder, script.Name + ".gguf");
        await ScriptedModel.WriteAsync(script, path, timeout.Token);
        await inference.LoadModelAsync(new LoadModelRequest { Path = path }, cancellationToken: timeout.Token);
        return new LoadedScript(inference, before);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(Bound);
        await inference.LoadModelAsync(new LoadModelRequest { Path = previous }, cancellationToken: timeout.Token);
    }
}
