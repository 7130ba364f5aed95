// What nearly every function file uses: the worker's attributes, ASP.NET Core's request and
// typed results, identity from the session, problem results, the data access, the declared policies.
global using System.Security.Claims;
global using AgentLink.Core.Auth;
global using AgentLink.Core.Chat;
global using AgentLink.Core.Data;
global using AgentLink.Core.Http;
global using AgentLink.Functions.Common;
global using AgentLink.Functions.Runtime;
global using Dapper;
global using Microsoft.AspNetCore.Builder;
global using Microsoft.AspNetCore.Http;
global using Microsoft.AspNetCore.Http.HttpResults;
global using Microsoft.AspNetCore.Routing;
global using Microsoft.Azure.Functions.Worker;
global using Microsoft.Extensions.Configuration;
global using Microsoft.Extensions.DependencyInjection;
global using Microsoft.Extensions.Hosting;
global using Microsoft.Extensions.Logging;
global using Npgsql;
