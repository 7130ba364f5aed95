using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using AgentLink.Functions.Runtime;
using AgentLink.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace AgentLink.Tests.Functions;

/// <summary>
/// The worker middleware, driven the way the isolated worker drives it: a FunctionContext that
/// carries the HttpContext (as the ASP.NET Core integration leaves it) and an invocation result
/// the integration writes afterwards. The Functions host itself cannot run here; this checks
/// that, under it, the declared policies hold exactly as they do standalone.
/// </summary>
public sealed class WorkerGateMiddlewareTests(RedisStackFixture fixture) : IClassFixture<RedisStackFixture>
{
    private async Task<(object? Result, bool Ran)> InvokeAsync(string function, Action<HttpContext>? prepare = null, Func<FakeContext, Task>? body = null)
    {
        await using var scope = fixture.Stack.ApiServices.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        prepare?.Invoke(http);
        var context = new FakeContext(function, scope.ServiceProvider, http);
        var ran = false;
        var middleware = ActivatorUtilities.CreateInstance<WorkerGateMiddleware>(scope.ServiceProvider);
        await middleware.Invoke(context, async c =>
        {
            ran = true;
            if (body is not null) await body((FakeContext)c);
        });
        return (context.Bindings.InvocationResult, ran);
    }

    private static (int Status, string? Code) Problem(object? result)
    {
        var problem = Assert.IsType<ProblemHttpResult>(result);
        return (problem.StatusCode, problem.ProblemDetails.Extensions["code"]?.ToString());
    }

    [Fact]
    public async Task A_person_function_called_without_a_session_is_refused_with_401_and_never_runs()
    {
        var (result, ran) = await InvokeAsync("Me");
        Assert.False(ran);
        Assert.Equal((401, "unauthenticated"), Problem(result));
    }

    [Fact]
    public async Task An_agent_function_called_with_a_bad_key_is_refused_with_invalid_api_key()
    {
        var (result, ran) = await InvokeAsync("GetAgentStatus", http => http.Request.Headers.Authorization = "Bearer alk_not-a-real-key");
        Assert.False(ran);
        Assert.Equal((401, "invalid_api_key"), Problem(result));
    }

    [Fact]
    public async Task A_signed_in_person_gets_through_and_the_functions_result_is_what_the_integration_writes()
    {
        var owner = await fixture.Stack.Client().SignUpAsync("Worker");
        var answer = TypedResults.Ok("from the function");
        var (result, ran) = await InvokeAsync("Me", http => http.Request.Headers.Authorization = "Bearer " + owner.Token,
            c => { c.Bindings.InvocationResult = answer; return Task.CompletedTask; });
        Assert.True(ran);
        Assert.Same(answer, result);
    }

    [Fact]
    public async Task A_body_over_the_declared_limit_is_413_and_a_throwing_function_is_a_500_problem_not_a_crash()
    {
        var (tooLarge, ranLarge) = await InvokeAsync("Signup", http => http.Request.ContentLength = 10_000_000);
        Assert.False(ranLarge);
        Assert.Equal((413, "payload_too_large"), Problem(tooLarge));

        var (failed, ran) = await InvokeAsync("HealthLive", body: _ => throw new InvalidOperationException("boom"));
        Assert.True(ran);
        Assert.Equal((500, "internal_error"), Problem(failed));
    }

    [Fact]
    public async Task A_function_outside_the_catalog_such_as_a_timer_passes_straight_through()
    {
        var (result, ran) = await InvokeAsync("SweepAgentOutbox", body: c => { c.Bindings.InvocationResult = "untouched"; return Task.CompletedTask; });
        Assert.True(ran);
        Assert.Equal("untouched", result);
    }

    /// <summary>A FunctionContext as the isolated worker builds it, with the HttpContext where the ASP.NET Core integration puts it.</summary>
    private sealed class FakeContext : FunctionContext
    {
        public FakeContext(string name, IServiceProvider services, HttpContext http)
        {
            FunctionDefinition = new Definition(name);
            InstanceServices = services;
            Items = new Dictionary<object, object> { ["HttpRequestContext"] = http };
            var features = new Features();
            Bindings = BindingsProxy.Create();
            features.Set(BindingsProxy.FeatureType, Bindings.Proxy);
            Features = features;
        }

        public BindingsProxy.Handle Bindings { get; }

        public override string InvocationId { get; } = Guid.NewGuid().ToString();
        public override string FunctionId => FunctionDefinition.Id;
        public override TraceContext TraceContext => null!;
        public override BindingContext BindingContext => null!;
        public override RetryContext RetryContext => null!;
        public override IServiceProvider InstanceServices { get; set; }
        public override FunctionDefinition FunctionDefinition { get; }
        public override IDictionary<object, object> Items { get; set; }
        public override IInvocationFeatures Features { get; }
    }

    private sealed class Definition(string name) : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters => [];
        public override string PathToAssembly => typeof(WorkerGateMiddleware).Assembly.Location;
        public override string EntryPoint => name + ".Run";
        public override string Id => name;
        public override string Name => name;
        public override IImmutableDictionary<string, BindingMetadata> InputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
        public override IImmutableDictionary<string, BindingMetadata> OutputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
    }

    private sealed class Features : IInvocationFeatures
    {
        private readonly Dictionary<Type, object> _features = [];
        public T? Get<T>() => _features.TryGetValue(typeof(T), out var f) ? (T)f : default;
        public void Set<T>(T instance) => _features[typeof(T)] = instance!;
        public void Set(Type type, object instance) => _features[type] = instance;
        public IEnumerator<KeyValuePair<Type, object>> GetEnumerator() => _features.GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>The worker's bindings feature (an internal interface), as a proxy that keeps the invocation result.</summary>
    public class BindingsProxy : DispatchProxy
    {
        public sealed class Handle
        {
            public object Proxy { get; init; } = null!;
            public object? InvocationResult { get; set; }
        }

        private Handle _handle = null!;

        public static readonly Type FeatureType =
            typeof(FunctionContext).Assembly.GetType("Microsoft.Azure.Functions.Worker.Context.Features.IFunctionBindingsFeature", throwOnError: true)!;

        public static Handle Create()
        {
            var proxy = DispatchProxy.Create(FeatureType, typeof(BindingsProxy));
            var handle = new Handle { Proxy = proxy };
            ((BindingsProxy)proxy)._handle = handle;
            return handle;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            switch (method!.Name)
            {
                case "get_InvocationResult": return _handle.InvocationResult;
                case "set_InvocationResult": _handle.InvocationResult = args![0]; return null;
                default: return method.ReturnType.IsValueType ? Activator.CreateInstance(method.ReturnType) : null;
            }
        }
    }
}
