using Tomodachi.Inference.V1;

namespace Tomodachi.Inference.Tests.Infrastructure;

/// <summary>Tests against a fresh service with the tiny generated model loaded.</summary>
public abstract class TinyModelTests(IDictionary<string, string?>? settings = null) : IAsyncLifetime
{
    protected InferenceApp App { get; } = new(settings);

    public virtual async Task InitializeAsync() =>
        await App.Client.LoadModelAsync(new LoadModelRequest { Path = await TestModels.TinyAsync() });

    public virtual Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}
