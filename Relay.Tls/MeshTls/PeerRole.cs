namespace Relay.Tls.MeshTls;

/// <summary>The role the peer plays in the handshake, which decides the EKU its certificate needs.</summary>
public enum PeerRole
{
    /// <summary>The peer is a client connecting to us (inbound): needs clientAuth.</summary>
    Client,

    /// <summary>The peer is a server we dialled (outbound): needs serverAuth.</summary>
    Server,
}
