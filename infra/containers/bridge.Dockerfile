# The MQTT bridge: the embedded broker (1883, or 8883 with a certificate) and its health port.
#   docker build -f infra/containers/bridge.Dockerfile -t agentlink-bridge .

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY functions/AgentLink.Core/ functions/AgentLink.Core/
COPY mqtt-bridge/AgentLink.MqttBridge/ mqtt-bridge/AgentLink.MqttBridge/
RUN dotnet publish mqtt-bridge/AgentLink.MqttBridge/AgentLink.MqttBridge.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
USER $APP_UID
ENV ASPNETCORE_URLS=http://+:7072 \
    AgentLink__Mqtt__EmbeddedPort=1883
EXPOSE 1883 7072
ENTRYPOINT ["dotnet", "AgentLink.MqttBridge.dll"]
