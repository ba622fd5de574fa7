using System.Collections.Immutable;

namespace Relay.Core.Config;

/// <summary>
/// A list read from mesh.yaml. <see cref="Complete"/> is false when some item was invalid (and
/// already reported), so rules like "must not be empty" do not pile a second error on top.
/// </summary>
internal sealed record ConfigList<T>(ImmutableArray<Located<T>> Items, ConfigLocation Location, bool Complete)
{
    public bool IsLiterallyEmpty => Items.IsEmpty && Complete;
}
