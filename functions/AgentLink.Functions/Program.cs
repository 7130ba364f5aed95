using AgentLink.Core.Hosting;

namespace AgentLink.Functions;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["migrate", .. var rest]) return await MigrateCommand.RunAsync(rest);

        var builder = WebApplication.CreateBuilder(args);
        builder.AddAgentLinkFunctions();
        var app = builder.Build();
        app.UseAgentLinkDefaults();
        app.MapAgentLinkFunctions();
        await app.RunAsync();
        return 0;
    }
}
