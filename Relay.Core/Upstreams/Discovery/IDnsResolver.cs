using Relay.Core.Config;

namespace Relay.Core.Upstreams.Discovery;

/// <summary>Resolves one discovery source to an answer; never throws for DNS trouble (that is <see cref="DnsOutcome.Failed"/>).</summary>
internal interface IDnsResolver
{
    Task<DnsAnswer> ResolveAsync(DnsSourceSnapshot source, CancellationToken cancellationToken);
}
