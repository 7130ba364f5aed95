// The functions app on the Flex Consumption plan (Linux, .NET isolated worker). Its package goes
// to the deployment container (`az functionapp deployment source config-zip`, or `func azure
// functionapp publish`); secrets are Key Vault references, resolved with the hosts' identity.
param name string
param location string
param tags object
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerName string
param appInsightsConnectionString string
param keyVaultUri string
@description('[{name, secret}]: app settings read from Key Vault secrets.')
param sharedSettings array
param maximumInstances int
param mqttPublicUrl string
param timerSchedules object

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${name}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

var plainSettings = [
  { name: 'AzureWebJobsStorage__accountName', value: storage.name }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
  { name: 'ASPNETCORE_ENVIRONMENT', value: 'Production' }
  { name: 'AgentLink__Mqtt__PublicUrl', value: mqttPublicUrl }
  { name: 'AgentLink__Mqtt__Broker', value: 'Embedded' }
  // A shared service: a workspace's LLM judge endpoint may not point into our own network.
  { name: 'AgentLink__Audits__AllowPrivateEndpoints', value: 'false' }
]
var secretSettings = [for s in sharedSettings: {
  name: s.name
  value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${s.secret}/)'
}]
// The host resolves the timers' %AgentLink:Timers:X% from these.
var timerSettings = [for t in items(timerSchedules): {
  name: 'AgentLink__Timers__${t.key}'
  value: t.value
}]

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstances
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: concat(plainSettings, secretSettings, timerSettings)
    }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
