using Xunit.Abstractions;
using Xunit.Sdk;

namespace Tomodachi.Memory.Tests.Contract;

/// <summary>
/// A contract test: a [Fact] declared once in <see cref="MemoryStoreContract"/> and run for every backend's
/// derived class. A class marked <see cref="RequiresEnvironmentAttribute"/> has its tests skipped, with the
/// reason shown, when that variable is not set.
/// </summary>
[XunitTestCaseDiscoverer("Tomodachi.Memory.Tests.Contract.ContractFactDiscoverer", "Tomodachi.Memory.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute;

/// <summary>Names the environment variable a backend's test class needs, and why.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresEnvironmentAttribute(string variable, string purpose) : Attribute
{
    public string Variable { get; } = variable;

    public string Purpose { get; } = purpose;

    public string? SkipReason =>
        string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable))
            ? $"{Variable} is not set: set it to {Purpose} to run these tests."
            : null;
}

public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
    [
        new ContractTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
            discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod),
    ];
}

public sealed class ContractTestCase : XunitTestCase
{
    [Obsolete("For deserialization by the test runner only.")]
    public ContractTestCase()
    {
    }

    public ContractTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod testMethod)
        : base(sink, display, options, testMethod)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) =>
        TestMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresEnvironmentAttribute))
            .Select(a => ((ReflectionAttributeInfo)a).Attribute)
            .OfType<RequiresEnvironmentAttribute>()
            .Select(a => a.SkipReason)
            .FirstOrDefault(reason => reason is not null)
        ?? base.GetSkipReason(factAttribute);
}
