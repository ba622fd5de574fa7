using System.Collections.Immutable;
using Relay.Core.Iptables;

namespace Relay.Core.Lifecycle;

/// <summary>
/// The rule changes one reload makes: <see cref="BeforeSwap"/> narrows capture to what both configs
/// agree on (null when nothing is narrowed), <see cref="AfterSwap"/> installs the new config's rules
/// (null when they equal what is then installed). <see cref="Errors"/> non-empty: the new config's
/// rules cannot be generated (e.g. an excluded user that does not exist) and the reload is rejected.
/// </summary>
internal sealed record CapturePlan(CaptureRuleset? BeforeSwap, CaptureRuleset? AfterSwap, CaptureRuleset? Final, ImmutableArray<string> Errors)
{
    public static CapturePlan None(CaptureRuleset? installed) => new(null, null, installed, []);

    public static CapturePlan Invalid(IEnumerable<string> errors) => new(null, null, null, [.. errors]);

    public bool IsValid => Errors.IsEmpty;

    public bool ChangesRules => BeforeSwap is not null || AfterSwap is not null;
}
