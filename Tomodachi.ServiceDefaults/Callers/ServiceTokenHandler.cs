using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Adds the service token to calls to other Tomodachi services. Only clients made by
/// <see cref="GrpcExtensions.AddGrpcServiceClient{TClient}"/> get it, never the default HttpClient: a model download
/// must not carry the suite's secret to the internet.
/// </summary>
public sealed class ServiceTokenHandler(IOptions<ServiceTokenOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (options.Value.ServiceToken is { Length: > 0 } token)
        {
            request.Headers.Remove(ServiceTokenOptions.HeaderName);
            request.Headers.TryAddWithoutValidation(ServiceTokenOptions.HeaderName, token);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
