using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.Logging.Abstractions;
using Tomodachi.Inference.Models;
using Tomodachi.Models.Llama;
using Tomodachi.Models.Gguf;
using Tomodachi.Inference.Tests.Infrastructure;

namespace Tomodachi.Inference.Tests;

public sealed class GgufWriterTests
{
    [Fact]
    public async Task Same_spec_and_seed_write_identical_bytes_and_another_seed_differs()
    {
        var first = await WriteAsync(TestModels.TinySpec);
        var second = await WriteAsync(TestModels.TinySpec);
        var reseeded = await WriteAsync(TestModels.TinySpec with { Seed = 8 });

        Assert.Equal(first, second);
        Assert.Equal(first.Length, reseeded.Length);
        Assert.NotEqual(first, reseeded);
    }

    [Fact]
    public async Task Reader_reports_what_the_writer_wrote()
    {
        var info = GgufReader.Read(await TestModels.TinyAsync());

        Assert.Equal("llama", info.Architecture);
        Assert.Equal((ulong)TestModels.TinySpec.ParameterCount, info.ParameterCount);
        Assert.Equal("F32", info.Quantization);
        Assert.Equal(1024u, info.ContextLength);
        Assert.Equal(400u, info.VocabSize);
        Assert.Equal(DemoModel.ChatMlTemplate, info.ChatTemplate);
        Assert.Equal((ulong)new FileInfo(info.Path).Length, info.FileSizeBytes);
    }

    [Fact]
    public async Task Generated_model_loads_in_llama_cpp_and_byte_fallback_tokenizes_any_text()
    {
        var path = await TestModels.TinyAsync();
        LoadNative();
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(path) { VocabOnly = true });

        Assert.Equal(400, weights.Vocab.Count);
        // "the" is a whole piece in the generated vocabulary (reached by merging its prefixes): BOS + "▁the".
        Assert.Equal(2, weights.Tokenize("the", true, false, System.Text.Encoding.UTF8).Length);
        // No piece covers these characters; they fall back to their UTF-8 bytes and decode back intact.
        var tokens = weights.Tokenize("日本🙂", false, false, System.Text.Encoding.UTF8);
        var decoder = new StreamingTokenDecoder(System.Text.Encoding.UTF8, weights);
        decoder.AddRange(tokens);
        Assert.Equal("日本🙂", decoder.Read().TrimStart());
    }

    [Theory]
    [InlineData(LLamaFtype.MOSTLY_Q8_0, "Q8_0")]
    [InlineData(LLamaFtype.MOSTLY_Q4_0, "Q4_0")]
    public async Task Generated_model_quantizes_and_the_reader_names_the_quantization(LLamaFtype type, string expected)
    {
        var source = await TestModels.TinyAsync();
        var target = TestModels.ScratchPath($"tiny-{expected}.gguf");
        LoadNative();

        Assert.True(LLamaQuantizer.Quantize(source, target, type, nthread: 1));

        var info = GgufReader.Read(target);
        Assert.Equal(expected, info.Quantization);
        Assert.Equal(GgufReader.Read(source).ParameterCount, info.ParameterCount);
        Assert.True(info.FileSizeBytes < GgufReader.Read(source).FileSizeBytes);
        File.Delete(target);
    }

    [Fact]
    public void Spec_with_heads_that_do_not_divide_the_width_is_refused()
    {
        var exception = Assert.Throws<ArgumentException>(() => (TestModels.TinySpec with { HeadCount = 5 }).Validate());
        Assert.Contains("HeadCount", exception.Message);
    }

    private static void LoadNative() => LlamaNative.EnsureLoaded(NullLogger.Instance);

    private static async Task<byte[]> WriteAsync(GgufModelSpec spec)
    {
        using var stream = new MemoryStream();
        await GgufWriter.WriteAsync(spec, stream, CancellationToken.None);
        return stream.ToArray();
    }
}
