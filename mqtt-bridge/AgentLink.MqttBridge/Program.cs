using AgentLink.Core.Hosting;
using AgentLink.MqttBridge.Mcp;

namespace AgentLink.MqttBridge;

public static class Program
{
    public static async Task Main(string[] args)
    {
        // Content root = the app folder: settings are read (and watched) there, not in the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddAgentLinkBridge();
        var app = builder.Build();
        app.UseAgentLinkDefaults();
        app.MapAgentLinkHealth();
        app.MapAgentLinkMcp();
        await app.RunAsync();
    }
}
