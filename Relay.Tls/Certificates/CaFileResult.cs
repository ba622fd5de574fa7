using System.Collections.Immutable;

namespace Relay.Tls.Certificates;

/// <summary>What <c>relay ca</c> did: the files written, or why nothing useful was written.</summary>
public sealed record CaFileResult(string? Error, ImmutableArray<string> Written)
{
    public bool Succeeded => Error is null;

    public static CaFileResult Failure(string error) => new(error, []);
}
