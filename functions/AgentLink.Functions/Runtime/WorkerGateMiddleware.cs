using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace AgentLink.Functions.Runtime;

/// <summary>
/// Under the Functions host: runs each HTTP function through the same <see cref="FunctionGate"/>
/// as the standalone runtime. It sits after the ASP.NET Core integration's own middleware, so
/// the HttpContext is there; a refusal or a problem becomes the invocation's result, which the
/// integration writes as the response.
/// </summary>
public sealed class WorkerGateMiddleware(FunctionGate gate, FunctionCatalog catalog) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (catalog.Find(context.FunctionDefinition.Name) is not { } function || context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }
        var result = await gate.RunAsync(http, function, async () =>
        {
            await next(context);
            return context.GetInvocationResult().Value;
        });
        context.GetInvocationResult().Value = result;
    }
}
