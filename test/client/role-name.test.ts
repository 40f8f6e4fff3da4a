import { describe, expect, test } from 'vitest';
import { setLang } from '../../client/i18n/index.ts';
import { roleName } from '../../client/ui/role-name.ts';

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
});
