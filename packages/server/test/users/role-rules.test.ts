import { describe, expect, it } from 'vitest';
import { roleRefusal } from '../../src/http/session-auth.js';

describe('the role table', () => {
  it.each([
    ['viewer', 'GET', '/api/v1/keys', true],
    ['viewer', 'POST', '/api/v1/segments/preview', true],
    ['viewer', 'POST', '/api/v1/templates/:id/preview', true],
    ['viewer', 'POST', '/api/v1/journeys/:id/backtest', true],
    ['viewer', 'POST', '/api/v1/journeys/validate', true],
    ['viewer', 'POST', '/api/v1/templates/:id/test-send', false],
    ['viewer', 'PUT', '/api/v1/segments/:id', false],
    ['viewer', 'DELETE', '/api/v1/segments/:id', false],
    ['editor', 'POST', '/api/v1/segments', true],
    ['editor', 'DELETE', '/api/v1/keys/:id', false],
    ['editor', 'PATCH', '/api/v1/users/:id', false],
    ['editor', 'POST', '/api/v1/keystone', true],
    ['owner', 'DELETE', '/api/v1/keys/:id', true],
    ['owner', 'POST', '/api/v1/users', true],
    ['viewer', 'GET', '/api/v1/provider-credentials', true],
    ['editor', 'GET', '/api/v1/provider-credentials', true],
    ['editor', 'PUT', '/api/v1/provider-credentials/:provider', false],
    ['editor', 'DELETE', '/api/v1/provider-credentials/:provider', false],
    ['viewer', 'PUT', '/api/v1/provider-credentials/:provider', false],
    ['owner', 'PUT', '/api/v1/provider-credentials/:provider', true],
    ['owner', 'DELETE', '/api/v1/provider-credentials/:provider', true],
  ] as const)('%s %s %s -> allowed: %s', (role, method, route, allowed) => {
    expect(roleRefusal(role, method, route) === null).toBe(allowed);
  });
});
