# The web app's origin: the browser app, the SSE relay and /api forwarded to the functions.
#   docker build -f infra/containers/web.Dockerfile -t agentlink-web .

FROM node:20-bookworm-slim AS app
WORKDIR /src/web/app
COPY web/app/package.json web/app/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/app/ ./
RUN npm run build

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props host.json ./
COPY functions/ functions/
COPY web/AgentLink.Web/ web/AgentLink.Web/
COPY --from=app /src/web/AgentLink.Web/wwwroot/app/ web/AgentLink.Web/wwwroot/app/
RUN dotnet publish web/AgentLink.Web/AgentLink.Web.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
USER $APP_UID
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "AgentLink.Web.dll"]
