using System.Reflection;
using System.Reflection.Emit;

namespace Relay.Tests.Architecture;

/// <summary>
/// Which namespace of Relay's assemblies uses which, read from the compiled code: every type's
/// base, interfaces, fields, properties, method signatures and every type, field and method token
/// in its IL (so a type used only inside a method body, a lambda or an async state machine counts).
/// Namespaces are grouped by folder (Relay.Core.Config.Validation counts as Relay.Core.Config):
/// a folder is the unit that must not take part in a cycle.
/// </summary>
internal sealed class NamespaceGraph
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic |
        BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    private readonly HashSet<Assembly> _assemblies;

    /// <summary>from → to → one example "TypeA uses TypeB" for the failure message.</summary>
    public Dictionary<string, Dictionary<string, string>> Edges { get; } = new();

    private NamespaceGraph(IEnumerable<Assembly> assemblies) => _assemblies = assemblies.ToHashSet();

    public static NamespaceGraph Of(params Assembly[] assemblies)
    {
        var graph = new NamespaceGraph(assemblies);
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            graph.AddType(type);
        }
        return graph;
    }

    /// <summary>Relay.Core.Config.Validation → Relay.Core.Config; Relay.Daemon → Relay.Daemon.</summary>
    public static string? Group(Type type)
    {
        var ns = type.Namespace;
        if (ns is null)
        {
            return null;
        }
        var parts = ns.Split('.');
        return string.Join('.', parts.Take(3));
    }

    private void AddType(Type type)
    {
        if (Group(type) is not { } from)
        {
            return;
        }
        var used = new HashSet<Type>();
        Collect(type.BaseType, used);
        foreach (var contract in type.GetInterfaces())
        {
            Collect(contract, used);
        }
        foreach (var field in type.GetFields(Everything))
        {
            Collect(field.FieldType, used);
        }
        foreach (var property in type.GetProperties(Everything))
        {
            Collect(property.PropertyType, used);
        }
        foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            CollectSignature(method, used);
            CollectBody(method, used);
        }
        foreach (var target in used)
        {
            AddEdge(from, type, target);
        }
    }

    private void AddEdge(string from, Type source, Type target)
    {
        if (!_assemblies.Contains(target.Assembly) || Group(target) is not { } to || to == from)
        {
            return;
        }
        if (!Edges.TryGetValue(from, out var targets))
        {
            Edges[from] = targets = new Dictionary<string, string>();
        }
        targets.TryAdd(to, $"{source.FullName} uses {target.FullName}");
    }

    private static void CollectSignature(MethodBase method, HashSet<Type> used)
    {
        if (method is MethodInfo info)
        {
            Collect(info.ReturnType, used);
        }
        foreach (var parameter in method.GetParameters())
        {
            Collect(parameter.ParameterType, used);
        }
        if (method.IsGenericMethod)
        {
            foreach (var argument in method.GetGenericArguments())
            {
                Collect(argument, used);
            }
        }
    }

    private static void CollectBody(MethodBase method, HashSet<Type> used)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            return;
        }
        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            var code = il[i] == 0xFE ? OpCodesByValue[(short)(0xFE00 | il[i + 1])] : OpCodesByValue[il[i]];
            i += code.Size;
            if (code.OperandType is OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok)
            {
                CollectToken(method.Module, BitConverter.ToInt32(il, i), typeArguments, methodArguments, used);
            }
            i += OperandSize(code.OperandType, il, i);
        }
    }

    private static void CollectToken(Module module, int token, Type[]? typeArguments, Type[]? methodArguments, HashSet<Type> used)
    {
        MemberInfo member;
        try
        {
            member = module.ResolveMember(token, typeArguments, methodArguments)!;
        }
        catch (ArgumentException)
        {
            // A token in a generic context reflection cannot close: its declaring type still shows in the signatures.
            return;
        }
        switch (member)
        {
            case Type type:
                Collect(type, used);
                break;
            case FieldInfo field:
                Collect(field.DeclaringType, used);
                Collect(field.FieldType, used);
                break;
            case MethodBase called:
                Collect(called.DeclaringType, used);
                CollectSignature(called, used);
                break;
        }
    }

    private static int OperandSize(OperandType operand, byte[] il, int at) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
        _ => 4,
    };

    private static void Collect(Type? type, HashSet<Type> used)
    {
        if (type is null || type.IsGenericParameter || !used.Add(type))
        {
            return;
        }
        if (type.HasElementType)
        {
            Collect(type.GetElementType(), used);
        }
        if (type.IsConstructedGenericType)
        {
            Collect(type.GetGenericTypeDefinition(), used);
            foreach (var argument in type.GetGenericArguments())
            {
                Collect(argument, used);
            }
        }
    }

    /// <summary>Strongly connected components with more than one namespace (Tarjan).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var nodes = Edges.Keys.Concat(Edges.Values.SelectMany(v => v.Keys)).Distinct().Order(StringComparer.Ordinal).ToList();
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var cycles = new List<IReadOnlyList<string>>();
        var counter = 0;

        void Visit(string node)
        {
            index[node] = low[node] = counter++;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in Edges.GetValueOrDefault(node)?.Keys ?? Enumerable.Empty<string>())
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], index[next]);
                }
            }
            if (low[node] != index[node])
            {
                return;
            }
            var component = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            }
            while (member != node);
            if (component.Count > 1)
            {
                component.Sort(StringComparer.Ordinal);
                cycles.Add(component);
            }
        }

        foreach (var node in nodes.Where(n => !index.ContainsKey(n)))
        {
            Visit(node);
        }
        return cycles;
    }
}
