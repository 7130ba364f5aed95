using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace AgentLink.Functions.Runtime;

/// <summary>
/// Calls a function method the way the isolated worker does, for the standalone runtime: the
/// class is created per call from the request's services (constructor injection), the trigger
/// parameter gets the HttpRequest (or TimerInfo), route values bind to Guid/string parameters
/// by name, a CancellationToken gets the call's token. Only what binds the same way under the
/// Functions host is allowed (<see cref="CheckBindable"/>).
/// </summary>
public sealed class FunctionInvoker
{
    private static readonly ConcurrentDictionary<MethodInfo, FunctionInvoker> Cache = new();

    private readonly MethodInfo _method;
    private readonly ObjectFactory? _create;
    private readonly Func<object?, Task<object?>> _awaitResult;

    private FunctionInvoker(MethodInfo method)
    {
        _method = method;
        _create = method.IsStatic ? null : ActivatorUtilities.CreateFactory(method.DeclaringType!, []);
        _awaitResult = ResultAwaiter(method.ReturnType);
    }

    public static FunctionInvoker For(MethodInfo method) => Cache.GetOrAdd(method, m => new FunctionInvoker(m));

    /// <summary>Refuses a function signature that would not bind the same way in both runtimes.</summary>
    public static void CheckBindable(MethodInfo method)
    {
        foreach (var p in method.GetParameters())
        {
            var ok = p.ParameterType == typeof(HttpRequest) && p.GetCustomAttribute<HttpTriggerAttribute>() is not null
                     || p.ParameterType == typeof(TimerInfo) && p.GetCustomAttribute<TimerTriggerAttribute>() is not null
                     || p.ParameterType == typeof(CancellationToken)
                     || p.ParameterType == typeof(Guid) || p.ParameterType == typeof(string);
            if (!ok)
                throw new InvalidOperationException(
                    $"{method.DeclaringType!.Name}.{method.Name}: parameter '{p.Name}' ({p.ParameterType.Name}) cannot bind in both runtimes. " +
                    "Use the HttpRequest trigger, Guid or string route values, or a CancellationToken; read bodies and queries from the request.");
        }
    }

    /// <summary>Invokes an HTTP function; returns what it returned (an IResult, or a value to send as JSON).</summary>
    public async Task<object?> InvokeAsync(HttpContext http)
    {
        var parameters = _method.GetParameters();
        var args = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (p.ParameterType == typeof(HttpRequest)) args[i] = http.Request;
            else if (p.ParameterType == typeof(CancellationToken)) args[i] = http.RequestAborted;
            else args[i] = RouteValue(http, p);
        }
        return await InvokeAsync(http.RequestServices, args);
    }

    /// <summary>Invokes a timer function.</summary>
    public Task<object?> InvokeTimerAsync(IServiceProvider services, TimerInfo timer, CancellationToken ct)
    {
        var args = _method.GetParameters().Select(p => p.ParameterType == typeof(TimerInfo) ? timer : (object)ct).ToArray();
        return InvokeAsync(services, args);
    }

    private Task<object?> InvokeAsync(IServiceProvider services, object?[] args)
    {
        var target = _create?.Invoke(services, null);
        var returned = _method.Invoke(target, BindingFlags.DoNotWrapExceptions, null, args, null);
        return _awaitResult(returned);
    }

    private static object? RouteValue(HttpContext http, ParameterInfo p)
    {
        var raw = http.Request.RouteValues.TryGetValue(p.Name!, out var value) ? value?.ToString() : null;
        if (p.ParameterType == typeof(string)) return raw;
        // Route constraints ({id:guid}) already refused anything else; this guards a route without one.
        return Guid.TryParse(raw, out var id) ? id : throw new BadHttpRequestException($"Failed to bind parameter \"{p.Name}\": not a valid id.");
    }

    private static Func<object?, Task<object?>> ResultAwaiter(Type returnType)
    {
        if (returnType == typeof(Task)) return async r => { await (Task)r!; return null; };
        if (returnType == typeof(ValueTask)) return async r => { await (ValueTask)r!; return null; };
        if (returnType.IsGenericType)
        {
            var definition = returnType.GetGenericTypeDefinition();
            var name = definition == typeof(Task<>) ? nameof(AwaitTask) : definition == typeof(ValueTask<>) ? nameof(AwaitValueTask) : null;
            if (name is not null)
                return typeof(FunctionInvoker).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(returnType.GetGenericArguments()).CreateDelegate<Func<object?, Task<object?>>>();
        }
        return r => Task.FromResult(r);
    }

    private static async Task<object?> AwaitTask<T>(object? task) => await (Task<T>)task!;

    private static async Task<object?> AwaitValueTask<T>(object? task) => await (ValueTask<T>)task!;
}
