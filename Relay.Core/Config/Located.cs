namespace Relay.Core.Config;

/// <summary>
/// A value read from mesh.yaml together with where it was written, so rules that compare
/// values across sections (port collisions, duplicate destinations) can point at both places.
/// </summary>
internal sealed record Located<T>(T Value, ConfigLocation Location);
