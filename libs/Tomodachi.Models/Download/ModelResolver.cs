using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tomodachi.Models.Download;

/// <summary>
/// Turns a model spec into a local GGUF path: a local path as it is, an <c>hf:</c> spec by downloading the file once
/// into the model cache — kept only when its sha256 is the one the hub published — and checking it against that
/// recorded sha256 on every later use. The sha256 sits beside the file as <c>{file}.sha256</c> in <c>sha256sum</c> format.
/// Start-up and PullModel both come here.
/// </summary>
public sealed class ModelResolver(
    IOptions<ModelDownloadOptions> options,
    ModelDownloader downloader,
    ModelDownloadProgress progress,
    TimeProvider time,
    ILogger<ModelResolver> logger)
{
    public const string ChecksumExtension = ".sha256";

    // One download or verification at a time: two chats asking for the same model must not fetch it twice.
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <returns>The absolute path of the model file.</returns>
    /// <exception cref="ArgumentException">The spec is empty, a URL, or a malformed hf: spec.</exception>
    /// <exception cref="FileNotFoundException">A local path names no file.</exception>
    /// <exception cref="ModelDownloadException">An hf: file could not be downloaded.</exception>
    public async Task<string> ResolveAsync(string modelSpec, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(modelSpec))
        {
            throw new ArgumentException("No model is named: set a local .gguf path or hf:<owner>/<repo>/<file>.gguf.");
        }

        if (HuggingFaceFile.IsSpec(modelSpec))
        {
            return await ResolveDownloadAsync(HuggingFaceFile.Parse(modelSpec), ct);
        }

        if (Uri.TryCreate(modelSpec, UriKind.Absolute, out var uri) && !uri.IsFile)
        {
            throw new ArgumentException($"'{modelSpec}' is a URL; name a local .gguf path or hf:<owner>/<repo>/<file>.gguf instead.");
        }

        var path = Path.GetFullPath(modelSpec);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The model file '{path}' does not exist.", path);
    }

    private async Task<string> ResolveDownloadAsync(HuggingFaceFile file, CancellationToken ct)
    {
        var path = file.CachePath(options.Value.CacheDirectory);
        await gate.WaitAsync(ct);
        try
        {
            if (File.Exists(path) && await IsIntactAsync(file, path, ct))
            {
                return path;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var part = new PartialDownload(path);
            try
            {
                var published = await downloader.DownloadAsync(file, path, ct);
                Report(file, path, ModelDownloadPhase.Verifying, published.Size);
                var sha256 = await Sha256Async(part.PartPath, ct);
                if (sha256 != published.Sha256)
                {
                    part.Discard();
                    throw new ModelDownloadException(
                        $"The file that arrived for {file} has sha256 {sha256}, but the hub publishes {published.Sha256}" +
                        (published.Commit is null ? "" : $" (commit {published.Commit})") +
                        ": it was discarded. Try again; if it happens again, the server is sending a different file than it announces.");
                }

                part.Complete();
                await WriteChecksumAsync(path, sha256, ct);
                logger.LogInformation("Downloaded {ModelSpec} to {ModelPath} ({Bytes} bytes, sha256 {Sha256} as published, commit {Commit})",
                    file.ToString(), path, published.Size, sha256, published.Commit ?? "unknown");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var received = File.Exists(part.PartPath) ? new FileInfo(part.PartPath).Length : 0;
                Report(file, path, ModelDownloadPhase.Failed, received, progress.Current?.TotalBytes, e.Message);
                throw;
            }

            Report(file, path, ModelDownloadPhase.Completed, new FileInfo(path).Length);
            return path;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Checks a cached file against its recorded sha256. A file without one (copied in by hand, or the process
    /// stopped between the rename and the record) gets one recorded now. A mismatch is logged and the file and its
    /// record are deleted, so the caller downloads it again.
    /// </summary>
    private async Task<bool> IsIntactAsync(HuggingFaceFile file, string path, CancellationToken ct)
    {
        var length = new FileInfo(path).Length;
        Report(file, path, ModelDownloadPhase.Verifying, length);
        var actual = await Sha256Async(path, ct);
        var checksumPath = path + ChecksumExtension;
        if (!File.Exists(checksumPath))
        {
            logger.LogInformation("Recording sha256 {Sha256} for {ModelPath}, which had none", actual, path);
            await WriteChecksumAsync(path, actual, ct);
        }
        else if (await ReadChecksumAsync(checksumPath, ct) is var expected && !string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
        {
            logger.LogError(
                "The cached model {ModelPath} is corrupt: its sha256 is {ActualSha256}, but {ExpectedSha256} was recorded when it was downloaded. Deleting it and downloading it again",
                path, actual, expected);
            File.Delete(path);
            File.Delete(checksumPath);
            return false;
        }

        Report(file, path, ModelDownloadPhase.Completed, length);
        return true;
    }

    private static async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }

    // sha256sum's format, so `sha256sum -c file.gguf.sha256` checks the file by hand too.
    private static Task WriteChecksumAsync(string path, string sha256, CancellationToken ct) =>
        File.WriteAllTextAsync(path + ChecksumExtension, $"{sha256}  {Path.GetFileName(path)}\n", ct);

    private static async Task<string> ReadChecksumAsync(string checksumPath, CancellationToken ct) =>
        (await File.ReadAllTextAsync(checksumPath, ct)).Split(' ', 2)[0].Trim();

    private void Report(HuggingFaceFile file, string path, ModelDownloadPhase phase, long bytes, long? totalBytes = null, string? error = null) =>
        progress.Report(new ModelDownloadSnapshot(file.ToString(), path, phase, bytes, totalBytes ?? bytes, error, time.GetUtcNow()));
}
