import { describe, expect, test } from 'vitest';
import { setLang } from '../../client/i18n/index.ts';
import { roleAtNode, roleName } from '../../client/ui/role-name.ts';

describe('role names', () => {
  test("the receiver of a server node is named as the server's operator; other roles keep their names", () => {
    setLang('en');
    expect(roleName('receiver', 'server')).toBe('Server operator');
    expect(roleName('receiver', 'host')).toBe('Receiver');
    expect(roleName('router', 'router')).toBe('Router');
    expect(roleName('observer', undefined)).toBe('Waiting for a role');
    expect(roleName('no-such-role', undefined)).toBe('No role');
    setLang('ko');
    expect(roleName('receiver', 'server')).toBe('서버 운영자');
    setLang('en');
  });

  test('a role is shown at its node, unless the node is named by the role itself', () => {
    setLang('en');
    expect(roleAtNode('router', 'r1', 'router')).toBe('Router r1');
    expect(roleAtNode('router', 'router', 'router')).toBe('Router');
    expect(roleAtNode('host', null, undefined)).toBe('Host');
    setLang('ko');
    expect(roleAtNode('router', 'router', 'router')).toBe('라우터 router');
    setLang('en');
  });
});
