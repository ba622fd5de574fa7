using System.Text.Json.Serialization;
using Relay.Core.Vocabulary;

namespace Relay.Core.Config.Diff;

/// <summary>What happened to one key between the baseline and the candidate config.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<ChangeKind>))]
public enum ChangeKind
{
    Added,
    Removed,
    Changed,
}

/// <summary>
/// One difference, named by a mesh.yaml key path (<c>services.web.routes.split.backends[web{version=v2}].weight</c>).
/// Items of lists are named by what identifies them (an endpoint's address, a route's name, an
/// inbound port), not by index, so inserting one item reports one change rather than a shift.
/// <see cref="Before"/> is null for an addition, <see cref="After"/> for a removal.
/// </summary>
public sealed record ConfigChange(ChangeKind Kind, string Key, string? Before, string? After);
