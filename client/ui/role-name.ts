// A role as players read it. The protocol keeps one receiver role; the receiver of a `server` node
// runs that server (its threads or event loop), so players see it named as its operator.

import { hasKey, t } from '../i18n/index.ts';

export function roleName(role: string, nodeKind: string | undefined): string {
  if (role === 'receiver' && nodeKind === 'server') return t('role.serverOperator');
  const key = `role.${role}`;
  return hasKey(key) ? t(key) : t('role.none');
}

/**
 * A role and the node it is played at ("Router r1"). A node named by the role's own word (the
 * levels' "router") is not said twice: "Router", not "Router router".
 */
export function roleAtNode(role: string, node: string | null, nodeKind: string | undefined): string {
  const name = roleName(role, nodeKind);
  return node === null || isNamedAs(node, name) ? name : t('top.roleAt', { role: name, node });
}

/** Whether a node's id is the role's own word ("router" for a Router), which need not be said twice. */
export function isNamedAs(node: string, roleWord: string): boolean {
  return node.toLowerCase() === roleWord.toLowerCase();
}
