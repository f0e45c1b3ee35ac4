using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Tomodachi.Memory.V1;
using static Tomodachi.Memory.Tests.Service.MemoryRequests;

namespace Tomodachi.Memory.Tests.Service;

/// <summary>Bad input gets a clear status and a message that names the problem; the service keeps serving.</summary>
public sealed class MemoryValidationTests(MemoryServiceFactory service) : IClassFixture<MemoryServiceFactory>
{
    private MemoryService.MemoryServiceClient Client => service.Client;

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t")]
    public async Task Store_with_empty_text_is_rejected_with_InvalidArgument(string text)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.StoreAsync(Store(text)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("memory.text is empty", error.Status.Detail);
    }

    [Fact]
    public async Task Store_with_text_over_32_KiB_is_rejected_with_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.StoreAsync(Store(new string('é', 16 * 1024 + 1))).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("32770 bytes", error.Status.Detail);
        Assert.Contains("32 KiB", error.Status.Detail);
    }

    [Fact]
    public async Task Store_with_exactly_32_KiB_of_text_is_accepted()
    {
        var reply = await Client.StoreAsync(Store(new string('a', 32 * 1024)));

        Assert.True(Guid.TryParse(reply.Id, out _));
    }

    [Fact]
    public async Task Store_without_a_memory_is_rejected_with_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.StoreAsync(new StoreRequest()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("memory is missing", error.Status.Detail);
    }

    [Fact]
    public async Task Store_with_an_unknown_role_is_rejected_with_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.StoreAsync(Store("hello", role: (MemoryRole)9)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("memory.role 9 is not a known role", error.Status.Detail);
    }

    [Fact]
    public async Task StoreBatch_with_no_memories_is_rejected_with_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.StoreBatchAsync(new StoreBatchRequest()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("1 to 1000", error.Status.Detail);
    }

    [Fact]
    public async Task StoreBatch_with_one_bad_memory_stores_none_and_names_the_bad_one()
    {
        var session = Guid.NewGuid().ToString();
        var request = new StoreBatchRequest { Memories = { New("fine", session), New("", session) } };

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.StoreBatchAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("memories[1].text is empty", error.Status.Detail);
        var search = await Client.SearchAsync(Search("fine", filter: new SearchFilter { SessionId = session }));
        Assert.Empty(search.Hits);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(101u)]
    public async Task Search_with_k_out_of_range_is_rejected_with_InvalidArgument(uint k)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.SearchAsync(Search("dog", k)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains($"k must be between 1 and 100; it is {k}", error.Status.Detail);
    }

    [Fact]
    public async Task Search_with_an_empty_query_is_rejected_with_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.SearchAsync(Search(" ")).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("query is empty", error.Status.Detail);
    }

    [Fact]
    public async Task Search_with_created_after_later_than_created_before_is_rejected_with_InvalidArgument()
    {
        var filter = new SearchFilter
        {
            CreatedAfter = Timestamp.FromDateTimeOffset(MemoryServiceFactory.Start),
            CreatedBefore = Timestamp.FromDateTimeOffset(MemoryServiceFactory.Start.AddDays(-1)),
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.SearchAsync(Search("dog", filter: filter)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("filter.created_after (2026-11-28T09:00:00.0000000+00:00) must be before filter.created_before", error.Status.Detail);
    }

    [Theory]
    [InlineData(1.5f)]
    [InlineData(-1.01f)]
    [InlineData(float.NaN)]
    public async Task Search_with_min_score_outside_minus_one_to_one_is_rejected_with_InvalidArgument(float minScore)
    {
        var filter = new SearchFilter { MinScore = minScore };

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.SearchAsync(Search("dog", filter: filter)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("filter.min_score must be a cosine similarity between -1 and 1", error.Status.Detail);
    }

    [Fact]
    public async Task Search_with_an_invalid_timestamp_is_rejected_with_InvalidArgument()
    {
        var filter = new SearchFilter { CreatedAfter = new Timestamp { Seconds = long.MaxValue } };

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.SearchAsync(Search("dog", filter: filter)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("filter.created_after is not a valid time", error.Status.Detail);
    }

    [Fact]
    public async Task Get_with_an_unknown_id_answers_NotFound()
    {
        var id = Guid.NewGuid().ToString();

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.GetAsync(new GetRequest { Id = id }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal($"No memory has the id {id}.", error.Status.Detail);
    }

    [Theory]
    [InlineData("", "id is empty")]
    [InlineData("rex", "id \"rex\" is not a memory id")]
    public async Task Get_with_a_malformed_id_is_rejected_with_InvalidArgument(string id, string message)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.GetAsync(new GetRequest { Id = id }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(message, error.Status.Detail);
    }

    [Fact]
    public async Task Delete_with_an_unknown_id_answers_NotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.DeleteAsync(new DeleteRequest { Id = Guid.NewGuid().ToString() }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Delete_without_a_target_is_rejected_with_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.DeleteAsync(new DeleteRequest()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("Set one of id (one memory), session_id (every memory of a session) or all", error.Status.Detail);
    }

    [Fact]
    public async Task Delete_of_an_empty_session_id_is_rejected_with_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.DeleteAsync(new DeleteRequest { SessionId = "" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("session_id is empty", error.Status.Detail);
    }

    [Fact]
    public async Task Import_with_a_bad_message_keeps_the_ones_before_it_and_says_how_many()
    {
        var session = Guid.NewGuid().ToString();
        using var import = Client.Import();
        await import.RequestStream.WriteAsync(new ImportRequest { Memory = new V1.Memory { Text = "first", SessionId = session } });
        await import.RequestStream.WriteAsync(new ImportRequest { Memory = new V1.Memory { Text = "second", SessionId = session } });
        await import.RequestStream.WriteAsync(new ImportRequest { Memory = new V1.Memory { Text = "third", Id = "not-a-uuid", SessionId = session } });

        var error = await Assert.ThrowsAsync<RpcException>(() => import.ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("Message #3 of the import stream: memory.id \"not-a-uuid\" is not a memory id", error.Status.Detail);
        Assert.Contains("The 2 memories before it were imported.", error.Status.Detail);
        var search = await Client.SearchAsync(Search("first second third", filter: new SearchFilter { SessionId = session }));
        Assert.Equal(2, search.Hits.Count);
    }
}
