using System.Globalization;
using Grpc.Core;

namespace Tomodachi.Gateway.OpenAi;

/// <summary>
/// Answers every failure of an OpenAI route before its reply has started in OpenAI's error JSON: the door's own
/// refusals and the services' statuses alike. A caller that has gone gets nothing: there is no one to tell.
/// </summary>
public sealed class OpenAiErrorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        try
        {
            return await next(invocation);
        }
        catch (Exception exception) when (context.RequestAborted.IsCancellationRequested && exception is OperationCanceledException or RpcException)
        {
            return Results.Empty;
        }
        catch (OpenAiError error) when (!context.Response.HasStarted)
        {
            return Result(context, error);
        }
        catch (RpcException exception) when (!context.Response.HasStarted)
        {
            return Result(context, GrpcErrors.ToOpenAi(exception));
        }
    }

    public static IResult Result(HttpContext context, OpenAiError error)
    {
        if (error.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return TypedResults.Json(error.ToBody(), OpenAiJson.Default.ErrorBody, statusCode: error.Status);
    }
}
