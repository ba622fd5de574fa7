using System.Globalization;

namespace Relay.Bench;

/// <summary>
/// The options of a scenario command (flood, balance, tracing-cost, package-ab): <c>--name value</c>
/// pairs, every name given in advance. An unknown option, a missing or repeated value, or a value
/// that is not an integer in range is an error naming the option, so a typo stops the run with
/// exit code 2 instead of silently measuring the default (what these commands did before).
/// </summary>
internal sealed class ScenarioArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly List<string> _errors = [];

    public ScenarioArgs(string[] args, params string[] known)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                _errors.Add(name.StartsWith("--", StringComparison.Ordinal)
                    ? $"unknown option '{name}' (known: {string.Join(", ", known)})"
                    : $"unexpected argument '{name}' (options are --name value)");
                continue;
            }
            if (i + 1 >= args.Length || known.Contains(args[i + 1], StringComparer.Ordinal))
            {
                _errors.Add($"{name} needs a value");
                continue;
            }
            if (!_values.TryAdd(name, args[++i]))
            {
                _errors.Add($"{name} is given more than once");
            }
        }
    }

    public IReadOnlyList<string> Errors => _errors;

    /// <summary>The option's text, or null when it is absent.</summary>
    public string? Text(string name) => _values.GetValueOrDefault(name);

    /// <summary>The option as an integer in [min, max]; the fallback when absent; an error (and the fallback) otherwise.</summary>
    public int Int(string name, int fallback, int min = 1, int max = int.MaxValue)
    {
        if (Text(name) is not { } text)
        {
            return fallback;
        }
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }
        _errors.Add($"{name}: expected an integer from {min} to {max}, got '{text}'");
        return fallback;
    }

    /// <summary>Writes the errors, if any, to <paramref name="error"/>; true when there were some (the command exits 2).</summary>
    public bool Failed(TextWriter error)
    {
        foreach (var message in _errors)
        {
            error.WriteLine(message);
        }
        return _errors.Count > 0;
    }
}
