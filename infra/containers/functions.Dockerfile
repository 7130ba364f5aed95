# The functions app. Two images from one build (docker build --target ...):
#   standalone      (default) the functions on Kestrel, timers on their own scheduler; for self-hosting
#   azure-functions the same publish output under the Azure Functions host (Container Apps, AKS)
# Build from the repository root:
#   docker build -f infra/containers/functions.Dockerfile -t agentlink-functions .
#   docker build -f infra/containers/functions.Dockerfile --target azure-functions -t agentlink-functions-host .

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props host.json ./
COPY functions/ functions/
RUN dotnet publish functions/AgentLink.Functions/AgentLink.Functions.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o /app --nologo

FROM mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated10.0 AS azure-functions
ENV AzureWebJobsScriptRoot=/home/site/wwwroot \
    AzureFunctionsJobHost__Logging__Console__IsEnabled=true
COPY --from=build /app /home/site/wwwroot

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS standalone
WORKDIR /app
COPY --from=build /app .
USER $APP_UID
ENV ASPNETCORE_URLS=http://+:7071
EXPOSE 7071
# `docker run ... agentlink-functions migrate` applies the schema and exits.
ENTRYPOINT ["dotnet", "AgentLink.Functions.dll"]
