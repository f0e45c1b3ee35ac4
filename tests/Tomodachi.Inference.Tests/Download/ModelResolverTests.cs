using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tomodachi.Models.Download;

namespace Tomodachi.Inference.Tests.Download;

public sealed class ModelResolverTests : IAsyncLifetime
{
    private readonly string cache = Directory.CreateTempSubdirectory("tomodachi-models-").FullName;
    private readonly CollectingLoggerProvider logs = new();
    private ModelFileServer server = null!;
    private ServiceProvider services = null!;

    private ModelResolver Resolver => services.GetRequiredService<ModelResolver>();

    private string CachedPath => Path.Combine(cache, "tomodachi-test", "tiny-model", "tiny.Q8_0.gguf");

    private string ExpectedSha256 => Convert.ToHexStringLower(SHA256.HashData(server.Content));

    public async Task InitializeAsync()
    {
        server = await ModelFileServer.StartAsync();
        // The default 30 s: on a loaded machine the loopback server can take over a second to answer, and a stall
        // timeout tripping there would add attempts these tests do not expect. The stall test sets its own.
        services = BuildServices(stallTimeout: TimeSpan.FromSeconds(30));
    }

    private ServiceProvider BuildServices(TimeSpan stallTimeout)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Inference:ModelCache"] = cache,
            ["Inference:Download:BaseUrl"] = server.BaseUrl.ToString(),
            ["Inference:Download:MaxAttempts"] = "3",
            ["Inference:Download:RetryDelay"] = "00:00:00",
            ["Inference:Download:StallTimeout"] = stallTimeout.ToString("c"),
        });
        builder.Logging.AddProvider(logs);
        builder.AddModelDownloads("Inference");
        return builder.Services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await server.DisposeAsync();
        Directory.Delete(cache, recursive: true);
    }

    [Fact]
    public async Task A_local_path_resolves_to_its_absolute_path()
    {
        var file = Path.Combine(cache, "local.gguf");
        await File.WriteAllBytesAsync(file, [1, 2, 3]);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, file);

        Assert.Equal(file, await Resolver.ResolveAsync(relative, CancellationToken.None));
    }

    [Fact]
    public async Task A_missing_local_file_is_reported_with_its_full_path()
    {
        var missing = Path.Combine(cache, "nowhere.gguf");

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => Resolver.ResolveAsync(missing, CancellationToken.None));

        Assert.Equal($"The model file '{missing}' does not exist.", error.Message);
    }

    [Theory]
    [InlineData("hf:owner/repo")]
    [InlineData("hf:owner/repo/model.bin")]
    [InlineData("hf:owner/../../etc/model.gguf")]
    [InlineData("hf:owner//model.gguf")]
    [InlineData("hf:owner/repo/model.gguf?download=1")]
    [InlineData("hf:owner/repo@/model.gguf")]
    [InlineData("hf:owner/repo@a@b/model.gguf")]
    [InlineData("hf:owner/repo@../model.gguf")]
    [InlineData("https://huggingface.co/owner/repo/resolve/main/model.gguf")]
    [InlineData(" ")]
    public async Task A_malformed_spec_is_rejected_before_any_request(string spec)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Resolver.ResolveAsync(spec, CancellationToken.None));

        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task An_hf_spec_is_downloaded_once_into_the_cache_with_its_sha256_recorded_beside_it()
    {
        var first = await Resolver.ResolveAsync(ModelFileServer.Spec, CancellationToken.None);
        var second = await Resolver.ResolveAsync(ModelFileServer.Spec, CancellationToken.None);

        Assert.Equal(CachedPath, first);
        Assert.Equal(first, second);
        Assert.Equal(server.Content, await File.ReadAllBytesAsync(first));
        Assert.Equal($"{ExpectedSha256}  tiny.Q8_0.gguf\n", await File.ReadAllTextAsync(first + ".sha256"));
        Assert.Single(server.Requests);
        Assert.Equal(1, server.MetadataRequests);
        Assert.False(File.Exists(first + ".part"));
        Assert.False(File.Exists(first + ".part.source"));
    }

    [Fact]
    public async Task A_pinned_revision_is_fetched_from_that_commit_and_cached_apart_from_main()
    {
        var pinned = $"hf:tomodachi-test/tiny-model@{server.Commit}/tiny.Q8_0.gguf";

        var path = await Resolver.ResolveAsync(pinned, CancellationToken.None);

        Assert.Equal(Path.Combine(cache, "tomodachi-test", $"tiny-model@{server.Commit}", "tiny.Q8_0.gguf"), path);
        Assert.Equal(server.Content, await File.ReadAllBytesAsync(path));
        Assert.False(File.Exists(CachedPath));
    }

    [Fact]
    public async Task An_unknown_revision_is_not_found_and_named()
    {
        var error = await Assert.ThrowsAsync<ModelDownloadException>(() =>
            Resolver.ResolveAsync("hf:tomodachi-test/tiny-model@v9/tiny.Q8_0.gguf", CancellationToken.None));

        Assert.True(error.NotFound);
        Assert.Contains("hf:tomodachi-test/tiny-model@v9/tiny.Q8_0.gguf was not found", error.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Bytes_that_do_not_hash_to_the_published_sha256_are_discarded_with_both_hashes_named()
    {
        var announced = new string('a', 64);
        server.AnnounceSha256(announced);

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => Resolver.ResolveAsync(ModelFileServer.Spec, CancellationToken.None));

        Assert.Contains($"has sha256 {ExpectedSha256}, but the hub publishes {announced}", error.Message);
        Assert.False(File.Exists(CachedPath));
        Assert.False(File.Exists(CachedPath + ".part"));
        Assert.Equal(ModelDownloadPhase.Failed, services.GetRequiredService<IModelDownloadProgress>().Current?.Phase);
    }

    [Fact]
    public async Task A_file_changed_upstream_mid_download_is_never_spliced_onto_the_old_bytes()
    {
        var oldSha256 = ExpectedSha256;
        var oldETag = $"\"{oldSha256}\"";
        var newer = ModelFileServer.RandomContent(server.Content.Length, seed: 43);
        server.DropConnections(count: 1, bytes: 1_000_000, thenReplaceWith: newer);

        // The resume carries If-Range with the old ETag; the server, whose file changed, answers with the whole new
        // file, which is not what was announced when the download began: it is discarded, not kept or spliced.
        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => Resolver.ResolveAsync(ModelFileServer.Spec, CancellationToken.None));
        var path = await Resolver.ResolveAsync(ModelFileServer.Spec, CancellationToken.None);

        Assert.Contains($"but the hub publishes {oldSha256}", error.Message);
        Assert.Equal(["", oldETag, ""], server.IfRanges);
        Assert.Equal(newer, await File.ReadAllBytesAsync(path));
        Assert.StartsWith(Convert.ToHexStringLower(SHA256.HashData(newer)), await File.ReadAllTextAsync(path + ".sha256"));
    }

    [Fact]
    public async Task Download_progress_is_logged_in_percent_and_bytes_and_readable_as_a_snapshot()
    {
        await Resolver.ResolveAsync(ModelFileServer.Spec, CancellationToken.None);

        var progressLines = logs.Lines.Select(l => l.Message).Where(m => m.StartsWith("Downloading hf:", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"{i * 5}%"), progressLines.Select(l => l.Split(' ')[2]));
        Assert.EndsWith($"({server.Content.Length} of {server.Content.Length} bytes)", progressLines[^1]);
        var snapshot = services.GetRequiredService<IModelDownloadProgress>().Current;
        Assert.NotNull(snapshot);
        Assert.Equal((ModelDownloadPhase.Completed, server.Content.Length, server.Content.Length, 100.0),
            (snapshot.Phase, snapshot.BytesReceived, snapshot.TotalBytes, snapshot.Percent));
    }

    [Fact]
    public async Task A_connection_dropped_mid_download_is_resumed_with_a_Range_request_and_ends_with_the_right_sha256()
    {
        server.DropConnections(count: 1, bytes: 1_000_000);

        var path = await Resolver.ResolveAsync(ModelFileServer.Spec, CancellationToken.None);

        // Aborting resets the connection, which may discard bytes still in flight: the client resumes after
        // whatever actually reached it.
        var resumedAt = server.Requests.Count == 2 ? ResumePosition(server.Requests.Last()) : -1;
        Assert.Equal("", server.Requests.First());
        Assert.InRange(resumedAt, 1, 1_000_000);
        Assert.Equal(ExpectedSha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path))));
        Assert.StartsWith(ExpectedSha256, await File.ReadAllTextAsync(path + ".sha256"));
    }

    [Fact]
    public async Task A_download_that_stalls_is_abandoned_after_the_stall_timeout_and_resumed()
    {
        await services.DisposeAsync();
        services = BuildServices(stallTimeout: TimeSpan.FromSeconds(1));
        server.StallConnections(count: 1, bytes: 400_000);

        var path = await Resolver.ResolveAsync(ModelFileServer.Spec, CancellationToken.None);

        Assert.Equal(2, server.Requests.Count);
        Assert.InRange(ResumePosition(server.Requests.Last()), 1, 400_000);
        Assert.Equal(server.Content, await File.ReadAllBytesAsync(path));
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("(no data for 1 s)"));
    }

    [Fact]
    public async Task A_partial_file_left_by_an_earlier_run_is_resumed_where_it_stopped_with_If_Range()
    {
        await WritePartAsync(server.Content[..777_777], ExpectedSha256);

        var path = await Resolver.ResolveAsync(ModelFileServer.Spec, CancellationToken.None);

        Assert.Equal(["bytes=777777-"], server.Requests);
        Assert.Equal([$"\"{ExpectedSha256}\""], server.IfRanges);
        Assert.Equal(server.Content, await File.ReadAllBytesAsync(path));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_partial_file_of_another_published_file_or_without_a_record_is_discarded(bool recorded)
    {
        await WritePartAsync(server.Content[..777_777], recorded ? new string('b', 64) : null);

        var path = await Resolver.ResolveAsync(ModelFileServer.Spec, CancellationToken.None);

        Assert.Equal([""], server.Requests);
        Assert.Equal(server.Content, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task A_partial_file_the_server_cannot_continue_is_discarded_and_downloaded_from_the_start()
    {
        await WritePartAsync(new byte[server.Content.Length + 10], ExpectedSha256);

        var path = await Resolver.ResolveAsync(ModelFileServer.Spec, CancellationToken.None);

        Assert.Equal([$"bytes={server.Content.Length + 10}-", ""], server.Requests);
        Assert.Equal(server.Content, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task A_download_that_keeps_failing_gives_up_after_the_configured_attempts_and_keeps_what_arrived()
    {
        server.DropConnections(count: 3, bytes: 100_000);

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => Resolver.ResolveAsync(ModelFileServer.Spec, CancellationToken.None));

        Assert.Contains("failed 3 times", error.Message);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(ModelDownloadPhase.Failed, services.GetRequiredService<IModelDownloadProgress>().Current?.Phase);
        var part = await File.ReadAllBytesAsync(CachedPath + ".part");
        Assert.InRange(part.Length, 1, 300_000);
        Assert.Equal(server.Content[..part.Length], part);
        Assert.False(File.Exists(CachedPath));
    }

    [Fact]
    public async Task A_file_missing_on_the_server_fails_with_a_clear_404_message()
    {
        var error = await Assert.ThrowsAsync<ModelDownloadException>(() =>
            Resolver.ResolveAsync("hf:tomodachi-test/tiny-model/missing.gguf", CancellationToken.None));

        Assert.Equal(
            $"hf:tomodachi-test/tiny-model/missing.gguf was not found at {server.BaseUrl}tomodachi-test/tiny-model/resolve/main/missing.gguf (HTTP 404): check the owner, repository, revision and file name.",
            error.Message);
        Assert.False(Directory.EnumerateFiles(cache, "missing*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task A_corrupted_cached_file_fails_its_sha256_check_and_is_downloaded_again()
    {
        var path = await Resolver.ResolveAsync(ModelFileServer.Spec, CancellationToken.None);
        await using (var file = File.OpenWrite(path))
        {
            file.Position = 2_000_000;
            file.WriteByte((byte)(server.Content[2_000_000] ^ 0xFF));
        }

        var again = await Resolver.ResolveAsync(ModelFileServer.Spec, CancellationToken.None);

        Assert.Equal(server.Content, await File.ReadAllBytesAsync(again));
        Assert.Equal(2, server.Requests.Count);
        var complaint = Assert.Single(logs.Lines, l => l.Level == LogLevel.Error);
        Assert.Contains($"The cached model {path} is corrupt", complaint.Message);
        Assert.Contains(ExpectedSha256, complaint.Message);
    }

    [Fact]
    public async Task A_cached_file_without_a_recorded_sha256_is_used_and_gets_one()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(CachedPath)!);
        await File.WriteAllBytesAsync(CachedPath, server.Content);

        var path = await Resolver.ResolveAsync(ModelFileServer.Spec, CancellationToken.None);

        Assert.Empty(server.Requests);
        Assert.Equal($"{ExpectedSha256}  tiny.Q8_0.gguf\n", await File.ReadAllTextAsync(path + ".sha256"));
    }

    /// <summary>A part file as an interrupted run leaves it, recorded for <paramref name="sha256"/> when given.</summary>
    private async Task WritePartAsync(byte[] bytes, string? sha256)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(CachedPath)!);
        await File.WriteAllBytesAsync(CachedPath + ".part", bytes);
        if (sha256 is not null)
        {
            await File.WriteAllTextAsync(CachedPath + ".part.source", $"sha256={sha256}\netag=\"{sha256}\"\n");
        }
    }

    private static long ResumePosition(string range) =>
        range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-') ? long.Parse(range[6..^1]) : -1;
}
