using Grpc.Core;
using Grpc.Health.V1;
using Tomodachi.Inference.V1;
using Tomodachi.IntegrationTests.Hostile;
using Tomodachi.IntegrationTests.Infrastructure;
using Tomodachi.Memory.V1;
using Xunit.Abstractions;

namespace Tomodachi.IntegrationTests;

/// <summary>
/// Every RPC of every contract, through the gateway's gRPC port, with hostile input: one test case per row of the
/// table in <c>Hostile/</c>. Each must end with the status the contract documents (never UNKNOWN or INTERNAL),
/// leave the data as it was, and leave the service that answered healthy.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class HostileInputTests(SuiteFixture suite, ITestOutputHelper output)
{
    private static readonly IReadOnlyDictionary<string, HostileCase> Table = BuildTable();
    private static readonly SemaphoreSlim Seeding = new(1, 1);
    private static SweepSeed? seed;

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    public static TheoryData<string> Cases => [.. Table.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Hostile_input_gets_the_documented_status_and_changes_nothing(string name)
    {
        var row = Table[name];
        var target = await SeedAsync();
        using var channel = suite.CreateGatewayChannel();
        var before = await SuiteData.ReadAsync(channel, target, Timeout);

        var outcome = await RawCall.InvokeAsync(channel.CreateCallInvoker(), row.Rpc, row.Messages(target));

        var after = await SuiteData.ReadAsync(channel, target, Timeout);
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = row.Rpc.Service.FullName }, cancellationToken: Timeout);
        output.WriteLine($"{outcome.Code}: {outcome.Detail}");
        Assert.True(outcome.Code == row.Expected, $"expected {row.Expected}, got {outcome.Code}: {outcome.Detail}");
        Assert.True(outcome.Code == StatusCode.OK || outcome.Detail.Length > 0, "a refusal must say why");

        Assert.Equal(before, after);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public void The_table_covers_every_rpc_of_every_contract()
    {
        var contracts = new[]
        {
            InferenceService.Descriptor, ConversationService.Descriptor, MemoryService.Descriptor, Knob.V1.KnobService.Descriptor,
            Tuning.V1.TuningService.Descriptor,
        };

        var missing = contracts.SelectMany(s => s.Methods).Select(m => m.FullName)
            .Except(Table.Values.Select(row => row.Rpc.FullName)).ToList();

        Assert.True(missing.Count == 0, $"RPCs without hostile-input rows: {string.Join(", ", missing)}");
        Assert.All(Table.Values.GroupBy(row => row.Rpc.FullName),
            rpc => Assert.Contains(rpc, row => row.Expected == StatusCode.ResourceExhausted));
    }

    private static Dictionary<string, HostileCase> BuildTable()
    {
        var table = new CaseTable();
        InferenceCases.AddTo(table);
        ConversationCases.AddTo(table);
        MemoryCases.AddTo(table);
        KnobCases.AddTo(table);
        TuningCases.AddTo(table);
        return table.Cases.ToDictionary(row => row.Name);
    }

    /// <summary>A real memory and a real journaled turn, made once for the whole sweep.</summary>
    private async Task<SweepSeed> SeedAsync()
    {
        await Seeding.WaitAsync();
        try
        {
            if (seed is not null)
            {
                return seed;
            }

            using var channel = suite.CreateGatewayChannel();
            var stored = await new MemoryService.MemoryServiceClient(channel).StoreAsync(
                new StoreRequest { Memory = new NewMemory { Text = "the hostile sweep's own memory", SessionId = "hostile-seed" } },
                cancellationToken: Timeout);
            using var chat = new InferenceService.InferenceServiceClient(channel).Chat(
                new ChatRequest { SessionId = "hostile-seed", Message = "hello", MaxTokens = 2 }, cancellationToken: Timeout);
            var turnId = "";
            // Read to the end: the turn's own memories are stored before the call completes.
            while (await chat.ResponseStream.MoveNext(Timeout))
            {
                turnId = chat.ResponseStream.Current.Stats?.TurnId ?? turnId;
            }

            return seed = new SweepSeed(stored.Id, turnId);
        }
        finally
        {
            Seeding.Release();
        }
    }
}
