using System.Text;
using Grpc.Core;
using Tomodachi.Inference.V1;

namespace Tomodachi.Gateway.OpenAi;

/// <summary>
/// POST /v1/chat/completions: one Complete call to the inference service, answered as one JSON reply or as a stream
/// of chunks. The service journals, measures and counts the turn as it does every other, and a client that leaves
/// cancels the call, which stops the decoding and frees the slot.
/// </summary>
public sealed class ChatCompletions(InferenceService.InferenceServiceClient inference, ModelCatalog models, TimeProvider time)
{
    public async Task RespondAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var body = await OpenAiJson.ReadAsync(context.Request, OpenAiJson.Default.ChatCompletionRequest);
        var model = await models.ResolveAsync(body.Model, cancellationToken);
        var request = ChatTranslation.Translate(body, model, context.Request.Headers[ChatTranslation.SessionHeader]);
        var reply = new Reply("chatcmpl-" + Guid.CreateVersion7().ToString("N"), time.GetUtcNow().ToUnixTimeSeconds(), model.Id);

        using var call = inference.Complete(request, cancellationToken: cancellationToken);
        if (body.Stream)
        {
            await StreamAsync(context.Response, call.ResponseStream, reply, body.StreamOptions?.IncludeUsage == true, cancellationToken);
        }
        else
        {
            await WholeAsync(context.Response, call.ResponseStream, reply, cancellationToken);
        }
    }

    private sealed record Reply(string Id, long Created, string Model);

    private static async Task WholeAsync(HttpResponse response, IAsyncStreamReader<CompleteResponse> events, Reply reply, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        TurnStats? stats = null;
        while (await events.MoveNext(cancellationToken))
        {
            text.Append(events.Current.Delta);
            stats = events.Current.Stats ?? stats;
        }

        var finished = stats ?? throw EndedWithoutStats();
        var completion = new ChatCompletion(reply.Id, reply.Created, reply.Model,
            [new ChatChoice(0, new AssistantMessage(text.ToString()), FinishReason(finished.StopReason))], Usage(finished));
        await response.WriteAsJsonAsync(completion, OpenAiJson.Default.ChatCompletion, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// The stream's 200 goes out with the first event, not before: until then a refusal (a full queue, a model still
    /// loading, a bad value) can still be an HTTP status. After it, a failure can only be an error event.
    /// </summary>
    private static async Task StreamAsync(
        HttpResponse response, IAsyncStreamReader<CompleteResponse> events, Reply reply, bool includeUsage, CancellationToken cancellationToken)
    {
        if (!await events.MoveNext(cancellationToken))
        {
            throw EndedWithoutStats();
        }

        ServerSentEvents.Start(response);
        await WriteChunkAsync(new ChunkDelta("assistant", ""), null);
        try
        {
            do
            {
                if (events.Current.Stats is { } stats)
                {
                    await WriteChunkAsync(new ChunkDelta(null, null), FinishReason(stats.StopReason));
                    if (includeUsage)
                    {
                        await ServerSentEvents.WriteAsync(response, new ChatCompletionChunk(reply.Id, reply.Created, reply.Model, []) { Usage = Usage(stats) },
                            OpenAiJson.Default.ChatCompletionChunk, cancellationToken);
                    }

                    await ServerSentEvents.DoneAsync(response, cancellationToken);
                    return;
                }

                await WriteChunkAsync(new ChunkDelta(null, events.Current.Delta), null);
            }
            while (await events.MoveNext(cancellationToken));
            throw EndedWithoutStats();
        }
        catch (Exception exception) when (exception is RpcException or OpenAiError && !cancellationToken.IsCancellationRequested)
        {
            // The reply broke off (the service stopped, the conversation was deleted): say so in the stream, as OpenAI does.
            var error = exception as OpenAiError ?? GrpcErrors.ToOpenAi((RpcException)exception);
            await ServerSentEvents.WriteAsync(response, error.ToBody(), OpenAiJson.Default.ErrorBody, cancellationToken);
        }

        ValueTask<System.IO.Pipelines.FlushResult> WriteChunkAsync(ChunkDelta delta, string? finishReason) => ServerSentEvents.WriteAsync(response,
            new ChatCompletionChunk(reply.Id, reply.Created, reply.Model, [new ChunkChoice(0, delta, finishReason)]),
            OpenAiJson.Default.ChatCompletionChunk, cancellationToken);
    }

    private static Usage Usage(TurnStats stats) =>
        new(stats.PromptTokens, stats.CompletionTokens, new PromptTokensDetails(stats.CachedPromptTokens));

    /// <summary>"length" when the reply was cut (its token limit, or the context), "stop" when it ended by itself or at a stop sequence.</summary>
    private static string FinishReason(StopReason reason) =>
        reason is StopReason.MaxTokens or StopReason.ContextFull ? "length" : "stop";

    private static OpenAiError EndedWithoutStats() => new(StatusCodes.Status502BadGateway,
        "The inference service ended the reply without its statistics.", OpenAiError.ServerError);
}
