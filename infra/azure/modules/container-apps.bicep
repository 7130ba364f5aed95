// The two long-lived hosts on Container Apps: the web relay (HTTPS, scales out: instances share
// Redis) and the MQTT bridge (TCP ingress on 8883, MQTT over TLS; one replica with the embedded
// broker; for more, run an external broker such as EMQX or Event Grid's MQTT broker and set
// AgentLink__Mqtt__Broker=External with a shared subscription group).
param environmentId string
param webAppName string
param bridgeAppName string
param location string
param tags object
param identityId string
param registryServer string
param imageTag string
param appInsightsConnectionString string
param keyVaultUri string
param sharedSettings array
param functionsUrl string

var secrets = [for s in sharedSettings: {
  name: s.secret
  keyVaultUrl: '${keyVaultUri}secrets/${s.secret}'
  identity: identityId
}]
var secretEnv = [for s in sharedSettings: {
  name: s.name
  secretRef: s.secret
}]
var commonEnv = [
  { name: 'ASPNETCORE_ENVIRONMENT', value: 'Production' }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
]

resource web 'Microsoft.App/containerApps@2024-03-01' = {
  name: webAppName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      ingress: {
        external: true
        targetPort: 8080
        transport: 'auto'
        allowInsecure: false
      }
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
      secrets: secrets
    }
    template: {
      containers: [
        {
          name: 'web'
          image: '${registryServer}/agentlink-web:${imageTag}'
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: concat(commonEnv, secretEnv, [
            { name: 'AgentLink__Web__FunctionsUrl', value: functionsUrl }
            // MCP is served by the bridge; the public origin forwards /mcp to its HTTP port inside the environment.
            { name: 'AgentLink__Web__BridgeUrl', value: 'http://${bridgeAppName}:7072' }
          ])
          probes: [
            {
              type: 'Readiness'
              httpGet: {
                path: '/health/ready'
                port: 8080
              }
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/health/live'
                port: 8080
              }
            }
          ]
        }
      ]
      scale: {
        minReplicas: 1
        maxReplicas: 10
        rules: [
          {
            name: 'connections'
            http: {
              metadata: {
                concurrentRequests: '500'
              }
            }
          }
        ]
      }
    }
  }
}

resource bridge 'Microsoft.App/containerApps@2024-03-01' = {
  name: bridgeAppName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      ingress: {
        external: true
        transport: 'tcp'
        targetPort: 8883
        exposedPort: 8883
        // Its HTTP port (health, MCP), reachable inside the environment only: the web app forwards /mcp to it.
        additionalPortMappings: [
          {
            external: false
            targetPort: 7072
            exposedPort: 7072
          }
        ]
      }
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
      secrets: concat(secrets, [
        { name: 'mqtt-tls-certificate', keyVaultUrl: '${keyVaultUri}secrets/mqtt-tls-certificate', identity: identityId }
        { name: 'mqtt-tls-key', keyVaultUrl: '${keyVaultUri}secrets/mqtt-tls-key', identity: identityId }
      ])
    }
    template: {
      // The TLS certificate and key, as files, from Key Vault.
      volumes: [
        {
          name: 'mqtt-tls'
          storageType: 'Secret'
          secrets: [
            { secretRef: 'mqtt-tls-certificate', path: 'certificate.pem' }
            { secretRef: 'mqtt-tls-key', path: 'key.pem' }
          ]
        }
      ]
      containers: [
        {
          name: 'bridge'
          image: '${registryServer}/agentlink-bridge:${imageTag}'
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: concat(commonEnv, secretEnv, [
            { name: 'AgentLink__Mqtt__Broker', value: 'Embedded' }
            { name: 'AgentLink__Mqtt__TlsPort', value: '8883' }
            { name: 'AgentLink__Mqtt__TlsCertificatePath', value: '/mnt/mqtt-tls/certificate.pem' }
            { name: 'AgentLink__Mqtt__TlsKeyPath', value: '/mnt/mqtt-tls/key.pem' }
          ])
          volumeMounts: [
            { volumeName: 'mqtt-tls', mountPath: '/mnt/mqtt-tls' }
          ]
          probes: [
            {
              type: 'Readiness'
              httpGet: {
                path: '/health/ready'
                port: 7072
              }
            }
          ]
        }
      ]
      scale: {
        minReplicas: 1
        maxReplicas: 1
      }
    }
  }
}

output webFqdn string = web.properties.configuration.ingress.fqdn
output bridgeFqdn string = bridge.properties.configuration.ingress.fqdn
