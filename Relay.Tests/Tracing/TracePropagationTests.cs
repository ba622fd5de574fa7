using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Relay.Core.Tracing;

namespace Relay.Tests.Tracing;

/// <summary>Every header form of W3C Trace Context and B3, and that malformed ones are ignored (no parent, no throw).</summary>
[Trait("Tier", "Unit")]
public sealed class TracePropagationTests
{
    private const string Trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string Span = "00f067aa0ba902b7";

    [Theory]
    [InlineData("00-" + Trace + "-" + Span + "-01", true)]
    [InlineData("00-" + Trace + "-" + Span + "-00", false)]
    [InlineData("00-" + Trace + "-" + Span + "-09", true)] // other flag bits are kept out of the decision
    [InlineData("cc-" + Trace + "-" + Span + "-01-future-fields", true)] // a later version: parsed as 00
    public void W3C_Valid(string traceParent, bool sampled)
    {
        var incoming = Extract(("traceparent", traceParent), ("tracestate", "congo=t61rcWkgMzE"));

        Assert.Equal(TraceFormat.W3C, incoming.Format);
        Assert.Equal(Trace, incoming.Parent.TraceId.ToHexString());
        Assert.Equal(Span, incoming.Parent.SpanId.ToHexString());
        Assert.Equal(sampled, incoming.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded));
        Assert.True(incoming.Parent.IsRemote);
        Assert.Equal("congo=t61rcWkgMzE", incoming.Parent.TraceState);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("00-" + Trace + "-" + Span)] // no flags
    [InlineData("00-" + Trace + "-" + Span + "-01-extra")] // version 00 is exactly 55 characters
    [InlineData("ff-" + Trace + "-" + Span + "-01")] // version ff is invalid
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-" + Span + "-01")] // upper case
    [InlineData("00-00000000000000000000000000000000-" + Span + "-01")] // all-zero trace id
    [InlineData("00-" + Trace + "-0000000000000000-01")] // all-zero span id
    [InlineData("00_" + Trace + "_" + Span + "_01")]
    [InlineData("00-" + Trace + "-" + Span + "-0g")]
    [InlineData("cc-" + Trace + "-" + Span + "-01x")] // a later version's extra fields start with a dash
    public void W3C_Malformed_IsIgnored(string traceParent)
    {
        var incoming = Extract(("traceparent", traceParent));

        Assert.False(incoming.HasParent);
        Assert.Equal(TraceFormat.None, incoming.Format);
    }

    [Fact]
    public void W3C_RepeatedTraceParent_IsIgnored_AndAnOverlongOrNonAsciiTraceStateIsDropped()
    {
        var headers = new HeaderDictionary { ["traceparent"] = new(["00-" + Trace + "-" + Span + "-01", "00-" + Trace + "-" + Span + "-00"]) };
        Assert.False(TracePropagation.Extract(headers).HasParent);

        Assert.Null(Extract(("traceparent", "00-" + Trace + "-" + Span + "-01"), ("tracestate", new string('a', 513))).Parent.TraceState);
        Assert.Null(Extract(("traceparent", "00-" + Trace + "-" + Span + "-01"), ("tracestate", "k=v\u00e9")).Parent.TraceState);
    }

    [Theory]
    [InlineData(Trace + "-" + Span, true)] // no decision: deferred, counted as sampled
    [InlineData(Trace + "-" + Span + "-1", true)]
    [InlineData(Trace + "-" + Span + "-0", false)]
    [InlineData(Trace + "-" + Span + "-d", true)] // debug
    [InlineData(Trace + "-" + Span + "-1-05e3ac9a4f6e3b90", true)] // with the parent span id
    public void B3Single_Valid(string b3, bool sampled)
    {
        var incoming = Extract(("b3", b3));

        Assert.Equal(TraceFormat.B3Single, incoming.Format);
        Assert.Equal(Trace, incoming.Parent.TraceId.ToHexString());
        Assert.Equal(Span, incoming.Parent.SpanId.ToHexString());
        Assert.Equal(sampled, incoming.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded));
    }

    [Fact]
    public void B3Single_64BitTraceId_IsLeftPaddedToW3CLength()
    {
        var incoming = Extract(("b3", "a3ce929d0e0e4736-" + Span + "-1"));

        Assert.Equal("0000000000000000a3ce929d0e0e4736", incoming.Parent.TraceId.ToHexString());
    }

    [Theory]
    [InlineData("0", false)]
    [InlineData("1", true)]
    [InlineData("d", true)]
    public void B3Single_DecisionOnly_StartsANewTraceUnderThatDecision(string b3, bool sampled)
    {
        var incoming = Extract(("b3", b3));

        Assert.True(incoming.HasParent);
        Assert.Equal(sampled, incoming.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("2")]
    [InlineData(Trace)] // no span id
    [InlineData(Trace + "-" + Span + "-2")] // unknown decision
    [InlineData(Trace + "-" + Span + "-1-short")] // bad parent span id
    [InlineData(Trace + "-" + Span + "-1-05e3ac9a4f6e3b90-more")]
    [InlineData("abc-" + Span + "-1")] // trace id neither 16 nor 32
    [InlineData(Trace + "-00000000000000000-1")] // span id 17
    [InlineData(Trace + "-0000000000000000-1")] // zero span id
    [InlineData("4BF92F3577B34DA6A3CE929D0E0E4736-" + Span + "-1")]
    [InlineData("---")]
    public void B3Single_Malformed_IsIgnored(string b3)
    {
        Assert.False(Extract(("b3", b3)).HasParent);
    }

    [Theory]
    [InlineData("1", null, true)]
    [InlineData("0", null, false)]
    [InlineData("true", null, true)] // the legacy spelling
    [InlineData(null, "1", true)] // X-B3-Flags: 1 is debug, so sampled
    [InlineData(null, null, true)]
    public void B3Multi_Valid(string? sampledHeader, string? flags, bool sampled)
    {
        var headers = new List<(string, string)> { ("X-B3-TraceId", Trace), ("X-B3-SpanId", Span), ("X-B3-ParentSpanId", "05e3ac9a4f6e3b90") };
        if (sampledHeader is not null)
        {
            headers.Add(("X-B3-Sampled", sampledHeader));
        }
        if (flags is not null)
        {
            headers.Add(("X-B3-Flags", flags));
        }

        var incoming = Extract([.. headers]);

        Assert.Equal(TraceFormat.B3Multi, incoming.Format);
        Assert.Equal(Trace, incoming.Parent.TraceId.ToHexString());
        Assert.Equal(Span, incoming.Parent.SpanId.ToHexString());
        Assert.Equal(sampled, incoming.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded));
    }

    [Fact]
    public void B3Multi_SampledOnly_IsADecision_AndMalformedIdsOrDecisionsAreIgnored()
    {
        Assert.False(Extract(("X-B3-Sampled", "0")).Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded));
        Assert.True(Extract(("X-B3-Sampled", "0")).HasParent);
        Assert.False(Extract(("X-B3-TraceId", Trace)).HasParent); // no span id
        Assert.False(Extract(("X-B3-SpanId", Span)).HasParent); // no trace id
        Assert.False(Extract(("X-B3-TraceId", "xyz"), ("X-B3-SpanId", Span)).HasParent);
        Assert.False(Extract(("X-B3-TraceId", Trace), ("X-B3-SpanId", Span), ("X-B3-Sampled", "maybe")).HasParent);
    }

    [Fact]
    public void Precedence_W3CFirst_ThenB3Single_ThenB3Multi_AMalformedOneFallsThrough()
    {
        const string Other = "11111111111111111111111111111111";
        var both = Extract(("traceparent", "00-" + Trace + "-" + Span + "-01"), ("b3", Other + "-" + Span + "-1"));
        Assert.Equal(Trace, both.Parent.TraceId.ToHexString());
        Assert.Equal(TraceFormat.B3Single, both.Format); // B3 is written on downstream too

        var badW3C = Extract(("traceparent", "bogus"), ("b3", Other + "-" + Span + "-1"), ("X-B3-TraceId", Trace), ("X-B3-SpanId", Span));
        Assert.Equal(Other, badW3C.Parent.TraceId.ToHexString());

        var onlyMulti = Extract(("b3", "bogus"), ("X-B3-TraceId", Trace), ("X-B3-SpanId", Span));
        Assert.Equal(TraceFormat.B3Multi, onlyMulti.Format);
    }

    [Fact]
    public void Inject_ReplacesEveryPropagationHeader_WritesW3CAndTheB3FormReceived()
    {
        var span = new ActivityContext(ActivityTraceId.CreateFromString(Trace), ActivitySpanId.CreateFromString("1111111111111111"),
            ActivityTraceFlags.Recorded, "k=v");
        var single = Headers(("traceparent", "00-" + Trace + "-" + Span + "-01"), ("b3", Trace + "-" + Span + "-1"), ("x-b3-spanid", Span));
        TracePropagation.Inject(single, span, TraceFormat.B3Single);
        Assert.Equal($"00-{Trace}-1111111111111111-01", single["traceparent"]);
        Assert.Equal("k=v", single["tracestate"]);
        Assert.Equal($"{Trace}-1111111111111111-1", single["b3"]);
        Assert.False(single.ContainsKey("x-b3-spanid"));

        var multi = Headers(("X-B3-TraceId", Trace), ("X-B3-SpanId", Span), ("X-B3-Sampled", "1"));
        TracePropagation.Inject(multi, new ActivityContext(span.TraceId, span.SpanId, ActivityTraceFlags.None), TraceFormat.B3Multi);
        Assert.Equal($"00-{Trace}-1111111111111111-00", multi["traceparent"]);
        Assert.Equal("1111111111111111", multi["x-b3-spanid"]);
        Assert.Equal("0", multi["x-b3-sampled"]);
        Assert.False(multi.ContainsKey("b3"));
        Assert.False(multi.ContainsKey("tracestate"));
    }

    private static IncomingTrace Extract(params (string Name, string Value)[] headers) => TracePropagation.Extract(Headers(headers));

    private static HeaderDictionary Headers(params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers)
        {
            dictionary[name] = value;
        }
        return dictionary;
    }
}
