using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Tomodachi.Inference.Extensions;
using Tomodachi.Inference.Tests.Infrastructure;

namespace Tomodachi.Inference.Tests;

/// <summary>One chat is one trace whose stage spans carry the turn's figures and none of its text.</summary>
public sealed class TracingTests : TinyModelTests
{
    [Fact]
    public async Task A_chat_is_one_trace_with_stage_spans_that_carry_token_counts_but_no_text()
    {
        const string message = "my secret recipe is saffron pancakes";
        var spans = new List<Activity>();
        using (Sdk.CreateTracerProviderBuilder().AddSource(InferenceExtensions.TelemetrySourceName).AddInMemoryExporter(spans).Build())
        {
            var responses = await App.Client.ChatToEndAsync(ChatExtensions.Request(message, maxTokens: 8));
            var stats = responses[^1].Stats;

            var chat = Assert.Single(spans, s => s.DisplayName == "chat");
            var children = spans.Where(s => s.ParentSpanId == chat.SpanId).Select(s => s.DisplayName).ToList();
            Assert.Contains("orchestrate", children);
            Assert.Contains("generate", children);
            Assert.Contains(spans, s => s.DisplayName == "memory.store" && s.TraceId == chat.TraceId);
            Assert.All(spans.Where(s => s.DisplayName != "chat"), s => Assert.Equal(chat.TraceId, s.TraceId));
            Assert.Equal((long)stats.PromptTokens, chat.GetTagItem("gen_ai.usage.input_tokens"));
            Assert.Equal((long)stats.CompletionTokens, chat.GetTagItem("gen_ai.usage.output_tokens"));
            var values = spans.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString() ?? "").ToList();
            Assert.DoesNotContain(values, v => v.Contains("saffron", StringComparison.OrdinalIgnoreCase));
        }
    }
}
