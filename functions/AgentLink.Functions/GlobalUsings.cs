// What nearly every function file uses: identity from the session, problem results, the data access.
global using System.Security.Claims;
global using AgentLink.Core.Auth;
global using AgentLink.Core.Chat;
global using AgentLink.Core.Http;
global using AgentLink.Functions.Common;
global using Dapper;
global using Microsoft.AspNetCore.Http.HttpResults;
global using Npgsql;
