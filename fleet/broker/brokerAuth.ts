import type { Result } from '../../common/core/AppError.ts';
import { err, ok } from '../../common/core/AppError.ts';
import type { BrokerIdentity, ServiceUser } from './core/brokerPolicy.ts';
import { isValidTopicLevel } from './core/brokerPolicy.ts';
import { verifyRobotCredential } from './core/robotCredential.ts';
import type { RobotCredentialRepository } from './RobotCredentialRepository.ts';

export type ConnectDenyReason = 'missing_credentials' | 'bad_username' | 'unknown_user' | 'disabled' | 'bad_password';

export interface BrokerAuthDeps {
  robots: RobotCredentialRepository;
  /** Service users such as `fleet`; their names take precedence over (and must not collide with) robot serials. */
  serviceUsers: readonly ServiceUser[];
}

/**
 * Decides who an MQTT CONNECT is: a service user (password checked against its configured hash) or a robot
 * (username = serial number, credential checked against the registry's hash, robot enabled). The manufacturer comes
 * from the registry. Unknown user and wrong password are told apart only in metrics and logs, never to the client.
 */
export async function authenticateBrokerClient(
  username: string | undefined,
  password: Buffer | string | undefined,
  deps: BrokerAuthDeps,
): Promise<Result<BrokerIdentity, ConnectDenyReason>> {
  if (username === undefined || username === '' || password === undefined) return err('missing_credentials');
  const secret = typeof password === 'string' ? password : password.toString('utf8');
  const service = deps.serviceUsers.find((user) => user.username === username);
  if (service) {
    return (await verifyRobotCredential(secret, service.passwordHash)) ? ok({ kind: 'fleet', username }) : err('bad_password');
  }
  if (!isValidTopicLevel(username)) return err('bad_username');
  const robot = await deps.robots.findBySerial(username);
  if (!robot) return err('unknown_user');
  if (!robot.enabled) return err('disabled');
  if (!(await verifyRobotCredential(secret, robot.credentialHash))) return err('bad_password');
  return ok({ kind: 'robot', manufacturer: robot.manufacturer, serialNumber: robot.serialNumber });
}
