// Production: General Purpose PostgreSQL, Standard Redis, more function instances.
using 'main.bicep'

param environmentName = 'prod'
param registryServer = readEnvironmentVariable('AGENTLINK_REGISTRY', 'agentlink.azurecr.io')
param imageTag = readEnvironmentVariable('AGENTLINK_IMAGE_TAG')
param postgresAdminPassword = readEnvironmentVariable('AGENTLINK_POSTGRES_PASSWORD')
param signingSecret = readEnvironmentVariable('AGENTLINK_SIGNING_SECRET')
param mqttTlsCertificatePem = readEnvironmentVariable('AGENTLINK_MQTT_TLS_CERT_PEM')
param mqttTlsKeyPem = readEnvironmentVariable('AGENTLINK_MQTT_TLS_KEY_PEM')
param postgresSku = {
  name: 'Standard_D2ds_v5'
  tier: 'GeneralPurpose'
}
param redisSku = {
  name: 'Standard'
  family: 'C'
  capacity: 1
}
param functionsMaximumInstances = 100
