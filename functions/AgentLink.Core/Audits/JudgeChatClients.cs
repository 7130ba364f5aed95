using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;

namespace AgentLink.Core.Audits;

/// <summary>Makes the chat client the LLM judge talks to, from a workspace's endpoint, model and key.</summary>
public interface IJudgeChatClients
{
    IChatClient Create(Uri endpoint, string model, string apiKey, TimeSpan timeout);
}

/// <summary>
/// Any OpenAI-compatible endpoint through the OpenAI library and Microsoft.Extensions.AI: OpenAI itself
/// (https://api.openai.com/v1), Azure OpenAI and Azure AI Foundry (their /openai/v1/ endpoint), OpenRouter,
/// or a local Ollama (http://localhost:11434/v1).
/// </summary>
public sealed class OpenAiJudgeChatClients : IJudgeChatClients
{
    public IChatClient Create(Uri endpoint, string model, string apiKey, TimeSpan timeout) =>
        new OpenAIClient(new ApiKeyCredential(apiKey), new OpenAIClientOptions { Endpoint = endpoint, NetworkTimeout = timeout })
            .GetChatClient(model).AsIChatClient();
}
