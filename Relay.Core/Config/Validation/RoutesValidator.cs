using System.Text.RegularExpressions;

namespace Relay.Core.Config.Validation;

/// <summary>
/// services[].routes: each match well formed (one path kind, a known method, valid names and
/// bounded regexes), each backend naming a defined service whose endpoints its subset selects,
/// weights in Gateway API's range with one above zero. A tcp service's routes split connections,
/// so they cannot match on requests.
/// </summary>
internal static partial class RoutesValidator
{
    /// <summary>Gateway API's BackendRef weight bound (0 to 1,000,000).</summary>
    public const int MaxWeight = 1_000_000;

    /// <summary>A route table is scanned in order per request; Gateway API caps a route's rules at 16 and matches at 8 (64 here for hand-written files).</summary>
    public const int MaxRoutes = 64;

    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

    public static void Validate(IReadOnlyList<ServiceConfig> services, ConfigErrorSink errors)
    {
        foreach (var service in services)
        {
            var routes = service.Routes ?? [];
            if (routes.Count > MaxRoutes)
            {
                errors.Add(service.Location.Child("routes"), $"a service may have at most {MaxRoutes} routes, got {routes.Count}");
            }
            var names = new Dictionary<string, ConfigLocation>(StringComparer.Ordinal);
            foreach (var route in routes)
            {
                if (route.Name is { } name && !names.TryAdd(name.Value, name.Location))
                {
                    errors.Add(name.Location, $"duplicate route name '{name.Value}' (already at {names[name.Value].KeyPath})");
                }
                var tcp = (service.Protocol?.Value ?? ConfigDefaults.Protocol) == AppProtocol.Tcp;
                if (tcp && route.Matches.Count > 0)
                {
                    errors.Add(route.Matches[0].Location, "a tcp service's routes split connections and cannot match on requests; remove matches or set protocol: http");
                }
                foreach (var match in route.Matches)
                {
                    Match(match, errors);
                }
                Backends(route, service, services, errors);
                Hash(route.Hash, tcp, errors);
                RetriesValidator.Validate(route, tcp, errors);
                RateLimitValidator.Validate(route, tcp, errors);
                GuardValidator.Validate(route, tcp, errors);
                Mirror(route, tcp, service, services, errors);
            }
        }
    }

    public static void Match(RouteMatchConfig match, ConfigErrorSink errors)
    {
        if (match.Path is { } path)
        {
            Path(path, errors);
        }
        if (match.Method is { } method && !Methods.Contains(method.Value, StringComparer.Ordinal))
        {
            errors.Add(method.Location, $"method '{method.Value}' is not one of: {string.Join(", ", Methods)}");
        }
        foreach (var header in match.Headers)
        {
            Value(header, "header", errors);
        }
        foreach (var query in match.Query)
        {
            Value(query, "query parameter", errors);
        }
    }

    private static void Path(PathMatchConfig path, ConfigErrorSink errors)
    {
        var given = new[] { path.Exact, path.Prefix, path.Regex }.Where(v => v is not null).ToArray();
        if (given.Length != 1)
        {
            errors.Add(path.Location, "give exactly one of exact, prefix, regex");
            return;
        }
        if (path.Regex is { } regex)
        {
            Regex(regex, errors);
        }
        else if (given[0] is { } literal && !literal.Value.StartsWith('/'))
        {
            errors.Add(literal.Location, $"path '{literal.Value}' must start with '/'");
        }
    }

    private static void Value(ValueMatchConfig value, string what, ConfigErrorSink errors)
    {
        if (value.Name is { } name && !Token().IsMatch(name.Value))
        {
            errors.Add(name.Location, $"{what} name '{name.Value}' must be an HTTP token (letters, digits and !#$%&'*+-.^_`|~)");
        }
        var kinds = (value.Exact is null ? 0 : 1) + (value.Regex is null ? 0 : 1) + (value.Present is null ? 0 : 1);
        if (kinds != 1)
        {
            errors.Add(value.Location, "give exactly one of exact, regex, present");
        }
        if (value.Present is { Value: false } absent)
        {
            errors.Add(absent.Location, "present: false is not supported; only present: true");
        }
        if (value.Regex is { } regex)
        {
            Regex(regex, errors);
        }
    }

    private static void Regex(Located<string> pattern, ConfigErrorSink errors)
    {
        if (!RouteRegex.TryCompile(pattern.Value, out _, out var error))
        {
            errors.Add(pattern.Location, error!);
        }
    }

    private static void Backends(RouteConfig route, ServiceConfig service, IReadOnlyList<ServiceConfig> services, ConfigErrorSink errors)
    {
        if (route.Backends.Count == 0)
        {
            errors.Add(route.Location.Child("backends"), "a route needs at least one backend");
            return;
        }
        foreach (var backend in route.Backends)
        {
            ValueRules.Range(backend.Weight, 0, MaxWeight, errors);
            Backend(backend, service, services, errors);
        }
        if (route.Backends.All(b => b.Weight is { Value: 0 }))
        {
            errors.Add(route.Location.Child("backends"), "every backend has weight 0; at least one must carry traffic");
        }
    }

    private static void Backend(BackendConfig backend, ServiceConfig service, IReadOnlyList<ServiceConfig> services, ConfigErrorSink errors)
    {
        var target = backend.Service is { } name ? services.FirstOrDefault(s => s.Name.Value == name.Value) : service;
        if (target is null)
        {
            errors.Add(backend.Service!.Location, $"service '{backend.Service.Value}' is not defined in services");
            return;
        }
        foreach (var label in backend.Subset)
        {
            EndpointsValidator.Key(label.Key, errors);
            EndpointsValidator.Value(label.Value, "label value", errors);
        }
        if (target.Discovery is not null && backend.Subset.Count > 0)
        {
            errors.Add(backend.Location, $"service '{target.Name.Value}' discovers its endpoints from DNS, which carries no labels; a subset cannot select among them");
            return;
        }
        var selected = (target.Endpoints?.Items ?? []).Count(e => backend.Subset.All(l => e.Value.Labels.Any(o => o.Key.Value == l.Key.Value && o.Value.Value == l.Value.Value)));
        if (selected == 0 && target.Endpoints is { Complete: true })
        {
            errors.Add(backend.Location, $"subset selects no endpoint of service '{target.Name.Value}'");
        }
    }

    private static void Mirror(RouteConfig route, bool tcp, ServiceConfig service, IReadOnlyList<ServiceConfig> services, ConfigErrorSink errors)
    {
        if (route.Mirror is not { } mirror)
        {
            return;
        }
        if (tcp)
        {
            errors.Add(mirror.Location, "mirroring copies HTTP requests; a tcp service's routes cannot mirror");
            return;
        }
        if (mirror.Backend is not { } backend)
        {
            errors.Add(mirror.Location.Child("backend"), "a mirror needs a backend: {service: NAME, subset: {...}}");
        }
        else
        {
            Backend(backend, service, services, errors);
        }
        if (mirror.Percent is { Value: < 0 or > 100 } percent)
        {
            errors.Add(percent.Location, $"must be a percentage between 0 and 100, got {percent.Value}");
        }
    }

    private static void Hash(RouteHashConfig? hash, bool tcp, ConfigErrorSink errors)
    {
        if (hash is null)
        {
            return;
        }
        if ((hash.Header is null) == (hash.ClientAddress is not { Value: true }))
        {
            errors.Add(hash.Location, "give exactly one of header: NAME, client_address: true");
        }
        else if (tcp && hash.Header is { } header)
        {
            errors.Add(header.Location, "a tcp service has no headers; hash on client_address");
        }
        if (hash.Header is { } name && !Token().IsMatch(name.Value))
        {
            errors.Add(name.Location, $"header name '{name.Value}' must be an HTTP token");
        }
    }

    public static bool IsToken(string text) => Token().IsMatch(text);

    // RFC 9110 §5.6.2 token.
    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")]
    private static partial Regex Token();
}
