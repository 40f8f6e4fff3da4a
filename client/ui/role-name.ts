// A role as players read it. The protocol keeps one receiver role; the receiver of a `server` node
// runs that server (its threads or event loop), so players see it named as its operator.

import { hasKey, t } from '../i18n/index.ts';

export function roleName(role: string, nodeKind: string | undefined): string {
  if (role === 'receiver' && nodeKind === 'server') return t('role.serverOperator');
  const key = `role.${role}`;
  return hasKey(key) ? t(key) : t('role.none');
}
