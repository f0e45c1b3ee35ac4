using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tomodachi.AppHost.Supervision;

namespace Tomodachi.AppHost.Tests.Supervision;

public sealed class RestartPolicyOptionsTests
{
    private static RestartPolicyOptions For(string service, Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        RestartPolicyOptions.Register(services, configuration, service);
        return services.BuildServiceProvider().GetRequiredService<IOptionsMonitor<RestartPolicyOptions>>().Get(service);
    }

    [Fact]
    public void A_service_takes_the_suite_wide_policy_with_its_own_keys_over_it()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Supervision:MaxFailures"] = "7",
            ["Supervision:InitialBackoff"] = "00:00:02",
            ["Supervision:Services:memory:MaxFailures"] = "3",
        };

        var memory = For("memory", settings);
        var knob = For("knob", settings);

        Assert.Equal(3, memory.MaxFailures);
        Assert.Equal(TimeSpan.FromSeconds(2), memory.InitialBackoff);
        Assert.Equal(7, knob.MaxFailures);
    }

    [Fact]
    public void Without_configuration_the_policy_is_one_second_doubling_to_thirty_and_five_failures_in_five_minutes()
    {
        var policy = For("memory", []);

        Assert.True(policy.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(1), policy.InitialBackoff);
        Assert.Equal(TimeSpan.FromSeconds(30), policy.MaxBackoff);
        Assert.Equal(5, policy.MaxFailures);
        Assert.Equal(TimeSpan.FromMinutes(5), policy.FailureWindow);
    }

    [Theory]
    [InlineData("Supervision:Services:memory:MaxFailures", "0")]
    [InlineData("Supervision:MaxBackoff", "00:00:00.5")]
    [InlineData("Supervision:FailureWindow", "00:00:00")]
    public void An_invalid_policy_is_refused_naming_what_is_wrong(string key, string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => For("memory", new() { [key] = value }));

        Assert.Contains(key.Split(':')[^1], error.Message);
    }
}
