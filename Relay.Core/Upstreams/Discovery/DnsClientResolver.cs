using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using Relay.Core.Config;
using Relay.Core.Net;

namespace Relay.Core.Upstreams.Discovery;

/// <summary>
/// <see cref="IDnsResolver"/> over DnsClient's <see cref="LookupClient"/>: A and AAAA in parallel
/// for <c>dns:</c>, SRV (targets' addresses from the additional section, else queried) for
/// <c>srv:</c>. DnsClient's cache is off: the discovery loop schedules queries on the TTL itself,
/// and a cached answer would report a TTL already counted down.
/// </summary>
internal sealed class DnsClientResolver : IDnsResolver
{
    private readonly LookupClient _client;

    public DnsClientResolver(DiscoverySnapshot settings)
    {
        var options = settings.Resolvers.IsEmpty
            ? new LookupClientOptions()
            : new LookupClientOptions([.. settings.Resolvers.Select(r => new NameServer(r.ToIPEndPoint()))]);
        options.UseCache = false;
        options.Timeout = settings.QueryTimeout;
        // One retry: glibc's resolv.conf default attempts:2. The loop retries after min_ttl anyway.
        options.Retries = 1;
        options.ThrowDnsErrors = false;
        // A name the server does not know is an answer (Empty), not a reason to ask the next server.
        options.ContinueOnDnsError = false;
        options.UseTcpFallback = true;
        _client = new LookupClient(options);
    }

    public async Task<DnsAnswer> ResolveAsync(DnsSourceSnapshot source, CancellationToken cancellationToken)
    {
        try
        {
            return source.Kind == DnsRecordKind.Srv
                ? await ResolveSrvAsync(source.Name, cancellationToken).ConfigureAwait(false)
                : await ResolveAddressesAsync(source.Name, source.Port, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DnsResponseException or SocketException or TimeoutException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return DnsAnswer.Failed(ex.Message);
        }
    }

    private async Task<DnsAnswer> ResolveAddressesAsync(string name, int port, CancellationToken cancellationToken)
    {
        var v4 = _client.QueryAsync(name, QueryType.A, QueryClass.IN, cancellationToken);
        var v6 = _client.QueryAsync(name, QueryType.AAAA, QueryClass.IN, cancellationToken);
        var responses = await Task.WhenAll(v4, v6).ConfigureAwait(false);
        // One family's addresses are an answer even when the other query failed, as getaddrinfo
        // (AF_UNSPEC) and Envoy's dns_lookup_family ALL take what they get: dnsmasq without
        // upstream servers answers AAAA for a v4-only hosts entry with REFUSED, for one.
        var records = responses.Where(r => !IsFailure(r)).SelectMany(r => AddressRecords(r.Answers, owner: null)).ToList();
        if (records.Count > 0)
        {
            return DnsAnswer.Resolved(records.Select(r => new NetEndpoint(r.Address, port)), Ttl(records.Select(r => r.Ttl)));
        }
        return responses.FirstOrDefault(IsFailure) is { } failed
            ? DnsAnswer.Failed(Describe(failed))
            : DnsAnswer.Empty(Describe(responses[0]));
    }

    /// <summary>
    /// RFC 2782: targets of the lowest priority are used, the rest are backups (weights are not
    /// applied: the service's own load_balancing spreads the load). A target "." means "no service".
    /// </summary>
    private async Task<DnsAnswer> ResolveSrvAsync(string name, CancellationToken cancellationToken)
    {
        var response = await _client.QueryAsync(name, QueryType.SRV, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        if (IsFailure(response))
        {
            return DnsAnswer.Failed(Describe(response));
        }
        var srv = response.Answers.SrvRecords().Where(r => r.Port > 0 && r.Target.Value != ".").ToList();
        if (srv.Count == 0)
        {
            return DnsAnswer.Empty(Describe(response));
        }
        var lowest = srv.Min(r => r.Priority);
        var endpoints = new List<NetEndpoint>();
        var ttls = new List<int>();
        foreach (var record in srv.Where(r => r.Priority == lowest))
        {
            var addresses = AddressRecords(response.Additionals, record.Target.Value).ToList();
            if (addresses.Count == 0)
            {
                var targetAnswer = await ResolveAddressesAsync(record.Target.Value, record.Port, cancellationToken).ConfigureAwait(false);
                if (targetAnswer.Outcome == DnsOutcome.Failed)
                {
                    return targetAnswer;
                }
                endpoints.AddRange(targetAnswer.Endpoints);
                ttls.Add((int)targetAnswer.Ttl.TotalSeconds);
            }
            endpoints.AddRange(addresses.Select(a => new NetEndpoint(a.Address, record.Port)));
            ttls.AddRange(addresses.Select(a => a.Ttl));
            ttls.Add(record.TimeToLive);
        }
        return DnsAnswer.Resolved(endpoints, Ttl(ttls));
    }

    /// <summary>
    /// The A and AAAA records of a section. In an answer every address counts (a CNAME chain ends
    /// in addresses owned by the last name); in the additional section of an SRV answer, which
    /// holds several targets' addresses, only <paramref name="owner"/>'s.
    /// </summary>
    private static IEnumerable<(IPAddress Address, int Ttl)> AddressRecords(IEnumerable<DnsResourceRecord> records, string? owner)
    {
        foreach (var record in records)
        {
            if (owner is not null && !string.Equals(record.DomainName.Value.TrimEnd('.'), owner.TrimEnd('.'), StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (record is ARecord a)
            {
                yield return (a.Address, a.TimeToLive);
            }
            else if (record is AaaaRecord aaaa)
            {
                yield return (aaaa.Address, aaaa.TimeToLive);
            }
        }
    }

    private static TimeSpan Ttl(IEnumerable<int> ttls) => TimeSpan.FromSeconds(Math.Max(0, ttls.DefaultIfEmpty(0).Min()));

    // NXDOMAIN is the server's answer (the name is gone): Empty. Everything else that is an error is a failure.
    private static bool IsFailure(IDnsQueryResponse response) =>
        response.HasError && response.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain;

    private static string Describe(IDnsQueryResponse response) =>
        response.HasError ? $"{response.Header.ResponseCode}: {response.ErrorMessage}" : $"{response.Header.ResponseCode}: no records";
}
