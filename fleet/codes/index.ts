/** fleet/codes: pickup codes (CSPRNG, scrypt-hashed via protocol/) and tracking tokens (SHA-256-hashed). */
export { DEFAULT_PICKUP_CODE_POLICY, issuePickupCode } from './core/issuePickupCode.ts';
export type { IssuedPickupCode, PickupCodePolicy, PickupCodeRandom } from './core/issuePickupCode.ts';
export {
  generateTrackingToken,
  hashTrackingToken,
  isTrackingTokenFormat,
  trackingLink,
  TRACKING_TOKEN_BYTES,
} from './core/trackingToken.ts';
export { CHEAP_SCRYPT_PARAMS, STRONG_SCRYPT_PARAMS, verifyPickupCode } from '../../protocol/index.ts';
export type { CodeHash, ScryptParams } from '../../protocol/index.ts';
