using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Relay.Core.Config;
using Relay.Core.Net;
using Relay.Core.Upstreams.Discovery;
using static Relay.Tests.Upstreams.Discovery.TtlClampTests;

namespace Relay.Tests.Upstreams.Discovery;

/// <summary>One loop driven step by step over scripted answers: what reaches the sink, and when.</summary>
[Trait("Tier", "Unit")]
public sealed class DiscoveryLoopTests
{
    private static readonly DnsSourceSnapshot Source = new(DnsRecordKind.Address, "orders.internal.", 8080);
    private static readonly DiscoverySnapshot Settings = new([], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));

    [Fact]
    public async Task Steps_OnlyChangedSetsReachTheSink_FailuresKeepTheLastGood()
    {
        var a = DnsAnswer.Resolved([Endpoint("198.18.0.2")], TimeSpan.FromSeconds(60));
        var b = DnsAnswer.Resolved([Endpoint("198.18.0.2"), Endpoint("198.18.0.3")], TimeSpan.FromSeconds(2));
        var resolver = new ScriptedResolver(a, a, DnsAnswer.Failed("timed out"), DnsAnswer.Empty("NXDOMAIN"), b);
        var sink = new RecordingSink();
        using var meter = new Meter("test.discovery." + Guid.NewGuid());
        await using var loop = new DiscoveryLoop("orders", Source, Settings, resolver, sink, new DiscoveryMetrics(meter, () => [], TimeProvider.System), NullLogger.Instance, TimeProvider.System);

        var delays = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            delays.Add(await loop.StepAsync(CancellationToken.None));
        }

        Assert.Equal([a.Endpoints, b.Endpoints], sink.Applied);
        // 60 s clamped to max 30 s; failures retry at min 1 s; 2 s inside the bounds.
        Assert.Equal([30, 30, 1, 1, 2], delays.Select(d => (int)d.TotalSeconds));
        Assert.Equal(b.Endpoints, loop.Status.LastGood);
        Assert.Equal(0, loop.Status.ConsecutiveFailures);
    }

    [Fact]
    public async Task Reapply_InstallsTheLastGoodSetAgain()
    {
        var a = DnsAnswer.Resolved([Endpoint("198.18.0.2")], TimeSpan.FromSeconds(5));
        var sink = new RecordingSink();
        using var meter = new Meter("test.discovery." + Guid.NewGuid());
        await using var loop = new DiscoveryLoop("orders", Source, Settings, new ScriptedResolver(a), sink, null, NullLogger.Instance, TimeProvider.System);
        await loop.StepAsync(CancellationToken.None);

        loop.Reapply();

        Assert.Equal([a.Endpoints, a.Endpoints], sink.Applied);
    }

    [Fact]
    public async Task Start_RunsUntilDisposed_AndFirstAnswerCompletes()
    {
        var a = DnsAnswer.Resolved([Endpoint("198.18.0.2")], TimeSpan.Zero);
        var sink = new RecordingSink();
        var loop = new DiscoveryLoop("orders", Source, Settings with { MinTtl = TimeSpan.FromMilliseconds(10) }, new ScriptedResolver(a), sink, null, NullLogger.Instance, TimeProvider.System);

        loop.Start();
        await loop.FirstAnswer.WaitAsync(TimeSpan.FromSeconds(10));
        await loop.DisposeAsync();

        Assert.Equal([a.Endpoints], sink.Applied);
    }

    /// <summary>Answers in order; the last one repeats.</summary>
    private sealed class ScriptedResolver(params DnsAnswer[] answers) : IDnsResolver
    {
        private int _next;

        public Task<DnsAnswer> ResolveAsync(DnsSourceSnapshot source, CancellationToken cancellationToken) =>
            Task.FromResult(answers[Math.Min(_next++, answers.Length - 1)]);
    }

    private sealed class RecordingSink : IDiscoveredEndpointsSink
    {
        public List<ImmutableArray<NetEndpoint>> Applied { get; } = [];

        public bool Apply(string service, DnsSourceSnapshot source, ImmutableArray<NetEndpoint> endpoints)
        {
            lock (Applied)
            {
                Applied.Add(endpoints);
            }
            return true;
        }
    }
}
