using Microsoft.Extensions.Configuration;
using Tomodachi.Gateway.Reflection;

namespace Tomodachi.Gateway.Tests;

/// <summary>The gateway's configuration routes every contract it advertises through reflection.</summary>
public sealed class ContractRouteTests
{
    [Fact]
    public void Every_contract_the_gateway_reflects_has_a_route_to_its_backend()
    {
        // The gateway's own appsettings.json comes into the test's output folder with the project reference.
        var routes = new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json").Build()
            .GetSection("ReverseProxy:Routes").GetChildren()
            .Select(route => (Path: route["Match:Path"], Cluster: route["ClusterId"]))
            .ToList();

        Assert.All(Contracts.All, contract => Assert.Contains(routes,
            route => route.Path == $"/{contract.Service.FullName}/{{**method}}" && route.Cluster == $"{contract.Backend}-grpc"));
    }
}
