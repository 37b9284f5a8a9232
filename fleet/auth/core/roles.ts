/** API roles, most to least privileged. Each role can do everything the roles after it can. */
export const ROLES = ['admin', 'dispatcher', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const rank: Record<Role, number> = { admin: 3, dispatcher: 2, viewer: 1 };

/** admin ⊇ dispatcher ⊇ viewer: true when a token with role `have` may use an endpoint needing `need`. */
export function roleAllows(have: Role, need: Role): boolean {
  return rank[have] >= rank[need];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
