// AgentLink in Azure: the functions on a Flex Consumption Function App, the web relay and the MQTT
// bridge on Container Apps, PostgreSQL flexible server with pgvector, Azure Cache for Redis, a
// Storage account, Key Vault for every secret, Application Insights. One deployment per
// environment (main.dev.bicepparam, main.prod.bicepparam); README "Deploy to Azure" has the commands.
targetScope = 'resourceGroup'

@description('Short environment name, part of every resource name: dev, prod, ...')
@minLength(2)
@maxLength(8)
param environmentName string

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Container registry login server holding agentlink-web and agentlink-bridge, e.g. myregistry.azurecr.io.')
param registryServer string

@description('Image tag to run for the web relay and the bridge.')
param imageTag string

@description('PostgreSQL administrator login.')
param postgresAdminLogin string = 'agentlink'

@description('PostgreSQL administrator password (kept in Key Vault; pass it from a pipeline secret).')
@secure()
param postgresAdminPassword string

@description('HMAC key for session tokens, 48+ random characters (kept in Key Vault).')
@secure()
param signingSecret string

@description('Password the bridge uses on an external broker and the hooks accept (kept in Key Vault).')
@secure()
param bridgePassword string = newGuid()

@description('Shared secret of the broker auth hooks (kept in Key Vault).')
@secure()
param hookSecret string = newGuid()

@description('The MQTT broker\'s TLS certificate (PEM, full chain) for the bridge\'s 8883 listener (kept in Key Vault).')
@secure()
param mqttTlsCertificatePem string

@description('The private key of that certificate (PEM; kept in Key Vault).')
@secure()
param mqttTlsKeyPem string

@description('PostgreSQL compute: Burstable B1ms for dev, General Purpose for production.')
param postgresSku object = {
  name: 'Standard_B1ms'
  tier: 'Burstable'
}

@description('Azure Cache for Redis size: Basic C0 for dev, Standard C1 or more for production.')
param redisSku object = {
  name: 'Basic'
  family: 'C'
  capacity: 0
}

@description('Largest number of Flex Consumption instances for the functions.')
param functionsMaximumInstances int = 40

@description('Timer schedules (six-field NCRONTAB, UTC); the functions read them as %AgentLink:Timers:...%.')
param timerSchedules object = {
  OutboxSweep: '*/5 * * * * *'
  AgentPresenceTimeout: '*/5 * * * * *'
  Retention: '0 */10 * * * *'
  TaskDeadlines: '*/15 * * * * *'
  SkillDeliveryOffline: '0 * * * * *'
  AttachmentCollection: '0 */5 * * * *'
  AuditJudging: '*/5 * * * * *'
  AuditSchedules: '0 * * * * *'
  MemoryReembedding: '*/10 * * * * *'
}

var suffix = uniqueString(resourceGroup().id, environmentName)
var tags = {
  application: 'agentlink'
  environment: environmentName
}

module observability 'modules/observability.bicep' = {
  name: 'observability'
  params: {
    name: 'agentlink-${environmentName}'
    location: location
    tags: tags
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: 'agentlink-${environmentName}'
    location: location
    tags: tags
  }
}

module data 'modules/data.bicep' = {
  name: 'data'
  params: {
    environmentName: environmentName
    suffix: suffix
    location: location
    tags: tags
    postgresAdminLogin: postgresAdminLogin
    postgresAdminPassword: postgresAdminPassword
    postgresSku: postgresSku
    redisSku: redisSku
    principalId: identity.outputs.principalId
  }
}

module secrets 'modules/secrets.bicep' = {
  name: 'secrets'
  params: {
    name: 'kv-agentlink-${take(suffix, 10)}'
    location: location
    tags: tags
    readerPrincipalId: identity.outputs.principalId
    secrets: {
      'database-connection-string': 'Host=${data.outputs.postgresHost};Database=agentlink;Username=${postgresAdminLogin};Password=${postgresAdminPassword};SSL Mode=Require'
      'redis-connection-string': data.outputs.redisConnectionString
      // Attachments' SAS URLs are signed with the account key (the hosts' managed identity cannot sign them).
      'blob-connection-string': data.outputs.blobConnectionString
      'signing-secret': signingSecret
      'bridge-password': bridgePassword
      'hook-secret': hookSecret
      'mqtt-tls-certificate': mqttTlsCertificatePem
      'mqtt-tls-key': mqttTlsKeyPem
    }
  }
}

// Settings every host shares; secrets are Key Vault references resolved by the platform.
var sharedSettings = [
  { name: 'AgentLink__Database__ConnectionString', secret: 'database-connection-string' }
  { name: 'AgentLink__Bus__Redis', secret: 'redis-connection-string' }
  { name: 'AgentLink__Auth__SigningSecret', secret: 'signing-secret' }
  { name: 'AgentLink__Mqtt__BridgePassword', secret: 'bridge-password' }
  { name: 'AgentLink__Mqtt__HookSecret', secret: 'hook-secret' }
  { name: 'AgentLink__Files__BlobConnectionString', secret: 'blob-connection-string' }
]

module functions 'modules/functions.bicep' = {
  name: 'functions'
  params: {
    name: 'func-agentlink-${environmentName}-${take(suffix, 6)}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: data.outputs.storageAccountName
    deploymentContainerName: data.outputs.deploymentContainerName
    appInsightsConnectionString: observability.outputs.appInsightsConnectionString
    keyVaultUri: secrets.outputs.uri
    sharedSettings: sharedSettings
    maximumInstances: functionsMaximumInstances
    mqttPublicUrl: 'mqtts://${bridgeAppName}.${environment.outputs.defaultDomain}:8883'
    timerSchedules: timerSchedules
  }
}

var bridgeAppName = 'agentlink-bridge-${environmentName}'

module environment 'modules/container-environment.bicep' = {
  name: 'container-environment'
  params: {
    name: 'cae-agentlink-${environmentName}'
    location: location
    tags: tags
    logAnalyticsWorkspaceName: observability.outputs.logAnalyticsWorkspaceName
  }
}

module containers 'modules/container-apps.bicep' = {
  name: 'container-apps'
  params: {
    environmentId: environment.outputs.id
    webAppName: 'agentlink-web-${environmentName}'
    bridgeAppName: bridgeAppName
    location: location
    tags: tags
    identityId: identity.outputs.id
    registryServer: registryServer
    imageTag: imageTag
    appInsightsConnectionString: observability.outputs.appInsightsConnectionString
    keyVaultUri: secrets.outputs.uri
    sharedSettings: sharedSettings
    functionsUrl: 'https://${functions.outputs.defaultHostName}'
  }
}

output webUrl string = 'https://${containers.outputs.webFqdn}'
output functionsUrl string = 'https://${functions.outputs.defaultHostName}'
output functionAppName string = functions.outputs.name
output mqttUrl string = 'mqtts://${bridgeAppName}.${environment.outputs.defaultDomain}:8883'
output keyVaultName string = secrets.outputs.name
output postgresHost string = data.outputs.postgresHost
