using System.Reflection;
using System.Xml.Linq;
using Microsoft.Azure.Functions.Worker;

namespace AgentLink.Functions.Runtime;

/// <summary>The declared rules of one HTTP function, read once from its attributes.</summary>
public sealed record FunctionPolicy(Caller? Caller, string? WorkspaceRole, string? RateLimit, long? BodyLimit, TimeSpan? Timeout, WorkspaceFrom? Licensed = null);

/// <summary>An HTTP-triggered function as its attributes declare it (name, methods, route relative to the route prefix).</summary>
public sealed record HttpFunction(
    string Name, IReadOnlyList<string> Methods, string Route, MethodInfo Method, FunctionPolicy Policy,
    JsonBodyAttribute? Body, IReadOnlyList<QueryAttribute> Query, string? Summary)
{
    /// <summary>The area it belongs to, for the API description: the last part of its namespace.</summary>
    public string Area => Method.DeclaringType!.Namespace!.Split('.')[^1];
}

/// <summary>A timer-triggered function: its NCRONTAB schedule (six fields, or a %AppSetting% that holds one).</summary>
public sealed record TimerFunction(string Name, string Schedule, MethodInfo Method, string? Summary);

/// <summary>
/// Every function of the app, read from the same [Function]/[HttpTrigger]/[TimerTrigger] attributes
/// the Functions SDK reads to write functions.metadata. The standalone runtime maps and schedules
/// these, the API description lists them, and a test holds them equal to functions.metadata:
/// there is no second route table.
/// </summary>
public sealed class FunctionCatalog
{
    public IReadOnlyList<HttpFunction> Http { get; }

    public IReadOnlyList<TimerFunction> Timers { get; }

    private readonly Dictionary<string, HttpFunction> _byName;

    private FunctionCatalog(List<HttpFunction> http, List<TimerFunction> timers)
    {
        Http = http;
        Timers = timers;
        _byName = http.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }

    public HttpFunction? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The functions of this app.</summary>
    public static FunctionCatalog App { get; } = Load(typeof(FunctionCatalog).Assembly);

    public static FunctionCatalog Load(Assembly assembly)
    {
        var docs = XmlDocs.Load(assembly);
        var http = new List<HttpFunction>();
        var timers = new List<TimerFunction>();
        foreach (var type in assembly.GetTypes())
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is not { } function) continue;
            var summary = docs.Summary(method);
            var parameters = method.GetParameters();
            if (parameters.Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null) is { } trigger)
            {
                FunctionInvoker.CheckBindable(method);
                var policy = new FunctionPolicy(
                    method.GetCustomAttribute<CallerAttribute>()?.Caller,
                    method.GetCustomAttribute<WorkspaceRoleAttribute>()?.Minimum,
                    method.GetCustomAttribute<RateLimitAttribute>()?.Policy,
                    method.GetCustomAttribute<BodyLimitAttribute>()?.Bytes,
                    method.GetCustomAttribute<TimeoutAttribute>()?.Timeout,
                    method.GetCustomAttribute<LicensedAttribute>()?.From);
                http.Add(new HttpFunction(function.Name,
                    (trigger.Methods ?? []).Select(m => m.ToUpperInvariant()).ToArray(),
                    (trigger.Route ?? function.Name).Trim('/'),
                    method, policy, method.GetCustomAttribute<JsonBodyAttribute>(),
                    method.GetCustomAttributes<QueryAttribute>().ToList(), summary));
            }
            else if (parameters.Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).FirstOrDefault(a => a is not null) is { } timer)
            {
                timers.Add(new TimerFunction(function.Name, timer.Schedule, method, summary));
            }
        }
        http.Sort((a, b) => string.CompareOrdinal(a.Route, b.Route));
        return new FunctionCatalog(http, timers);
    }

    /// <summary>The &lt;summary&gt; doc comments of the functions, from the XML file the build writes beside the assembly.</summary>
    private sealed class XmlDocs(Dictionary<string, string> summaries)
    {
        public static XmlDocs Load(Assembly assembly)
        {
            var path = Path.ChangeExtension(assembly.Location, ".xml");
            var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
            if (File.Exists(path))
            {
                foreach (var member in XDocument.Load(path).Descendants("member"))
                {
                    var name = (string?)member.Attribute("name");
                    var summary = member.Element("summary");
                    if (name is null || summary is null) continue;
                    // <see cref="T:X.Y"/> reads as Y.
                    foreach (var see in summary.Descendants("see").ToList())
                        see.ReplaceWith(((string?)see.Attribute("cref") ?? "").Split('.', ':')[^1]);
                    summaries[name] = string.Join(' ', summary.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                }
            }
            return new XmlDocs(summaries);
        }

        public string? Summary(MethodInfo method)
        {
            var prefix = $"M:{method.DeclaringType!.FullName!.Replace('+', '.')}.{method.Name}";
            return summaries.FirstOrDefault(s => s.Key == prefix || s.Key.StartsWith(prefix + "(", StringComparison.Ordinal)).Value;
        }
    }
}
