using AgentLink.Core.Hosting;

namespace AgentLink.Web;

public static class Program
{
    public static async Task Main(string[] args)
    {
        // Static files live beside the binaries, so the app runs from any working folder.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddAgentLinkWeb();
        var app = builder.Build();
        app.UseAgentLinkDefaults();
        app.MapAgentLinkWeb();
        await app.RunAsync();
    }
}
