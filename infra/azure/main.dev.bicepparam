// A development environment: the smallest sizes.
//   az deployment group create -g agentlink-dev -f infra/azure/main.bicep -p infra/azure/main.dev.bicepparam \
//     -p postgresAdminPassword=... signingSecret=...
using 'main.bicep'

param environmentName = 'dev'
param registryServer = readEnvironmentVariable('AGENTLINK_REGISTRY', 'agentlinkdev.azurecr.io')
param imageTag = readEnvironmentVariable('AGENTLINK_IMAGE_TAG', 'latest')
param postgresAdminPassword = readEnvironmentVariable('AGENTLINK_POSTGRES_PASSWORD', '')
param signingSecret = readEnvironmentVariable('AGENTLINK_SIGNING_SECRET', '')
param mqttTlsCertificatePem = readEnvironmentVariable('AGENTLINK_MQTT_TLS_CERT_PEM', '')
param mqttTlsKeyPem = readEnvironmentVariable('AGENTLINK_MQTT_TLS_KEY_PEM', '')
