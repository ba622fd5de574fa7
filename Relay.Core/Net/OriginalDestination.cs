namespace Relay.Core.Net;

/// <summary>The address the application dialled before iptables redirected it to Relay.</summary>
public readonly record struct OriginalDestination(NetEndpoint Endpoint)
{
    public override string ToString() => Endpoint.ToString();
}
