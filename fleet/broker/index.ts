export {
  authorizePublish, authorizeSubscribe, parseSharedSubscription, isValidTopicLevel, robotTopic, ROBOT_TOPICS, MASTER_TOPICS,
} from './core/brokerPolicy.ts';
export type { BrokerIdentity, BrokerPolicyOptions, Decision, DenyReason, RobotTopic, MasterTopic, ServiceUser } from './core/brokerPolicy.ts';
export { createRobotCredential, hashRobotCredential, verifyRobotCredential, CREDENTIAL_ITERATIONS } from './core/robotCredential.ts';
export { InMemoryRobotCredentialRepository } from './RobotCredentialRepository.ts';
export type { RobotCredentialRecord, RobotCredentialRepository } from './RobotCredentialRepository.ts';
export { authenticateBrokerClient } from './brokerAuth.ts';
export type { BrokerAuthDeps, ConnectDenyReason } from './brokerAuth.ts';
export { brokerMetrics } from './brokerMetrics.ts';
export type { BrokerMetrics } from './brokerMetrics.ts';
export { EmbeddedBroker } from './adapters/EmbeddedBroker.ts';
export type { EmbeddedBrokerOptions } from './adapters/EmbeddedBroker.ts';
export { mosquittoConf, mosquittoPasswordFile, mosquittoAclFile, writeMosquittoConfig, MosquittoConfigError } from './adapters/mosquittoConfig.ts';
export type { MosquittoConfigInput, MosquittoConfOptions, MosquittoListener } from './adapters/mosquittoConfig.ts';
export { MosquittoProcess, MosquittoProcessError } from './adapters/MosquittoProcess.ts';
export type { MosquittoProcessOptions } from './adapters/MosquittoProcess.ts';
