using AgentLink.Core.Hosting;

namespace AgentLink.MqttBridge;

public static class Program
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddAgentLinkBridge();
        var app = builder.Build();
        app.UseAgentLinkDefaults();
        app.MapAgentLinkHealth();
        await app.RunAsync();
    }
}
