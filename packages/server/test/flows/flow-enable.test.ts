/**
 * Enabling flows through the API on both engines: the list, one flow built, enabling
 * (templates, segments, date fields, journey active), enabling again changes nothing, new
 * parameters or an edit save a new version, a dry run writes nothing, bad parameters are
 * refused by field, and the library's sending rules are set only when the workspace has none.
 */
import {
  errorEnvelopeSchema,
  type EnableFlowResult,
  type FlowDetail,
  type FlowSummary,
  type Journey,
} from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';

describe.each(engines)('the flow library on %s', (engine) => {
  let t: TestServer;
  const call = async <T>(path: string, body?: unknown, method = body ? 'POST' : 'GET') => {
    const res = await t.api(path, { method, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, body: await json<T>(res) };
  };
  const enable = (template: string, extra: Record<string, unknown> = {}) =>
    call<EnableFlowResult>('/api/v1/journeys/from-template', { template, ...extra });

  beforeAll(async () => {
    t = await startTestServer(engine, { background: false, config: { clock: 'manual' } });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('lists the flows with their parameters and shows one built', async () => {
    const list = await call<{ data: FlowSummary[] }>('/api/v1/journey-templates');
    expect(list.status).toBe(200);
    expect(list.body.data.length).toBeGreaterThanOrEqual(20);
    const cart = list.body.data.find((f) => f.id === 'cart-abandonment');
    expect(cart?.channels).toContain('email');
    expect(cart?.params.some((p) => p.key === 'offerCode')).toBe(true);
    const shown = await call<FlowDetail>('/api/v1/journey-templates/cart-abandonment');
    expect(shown.status).toBe(200);
    expect(shown.body.templates.length).toBe(shown.body.messages);
    expect((await call('/api/v1/journey-templates/nope')).status).toBe(404);
  });

  it('enables a flow once: a second enable changes nothing, new parameters new versions', async () => {
    const dry = await enable('cart-abandonment', { dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, journeyId: null });
    expect((await call<{ data: Journey[] }>('/api/v1/journeys')).body.data).toEqual([]);

    const first = await enable('cart-abandonment');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'active', activeVersion: 1, unchanged: false });
    expect(Object.values(first.body.changes.templates).every((c) => c === 'created')).toBe(true);
    // The workspace had no sending rules: the library's were set.
    expect(first.body.changes.settings?.budget.email?.[0]?.max).toBe(3);

    const again = await enable('cart-abandonment');
    expect(again.status).toBe(200);
    expect(again.body.unchanged).toBe(true);
    expect(again.body.activeVersion).toBe(1);
    expect(again.body.changes.settings).toBeNull();

    const code = await enable('cart-abandonment', { params: { offerCode: 'SPRING15' } });
    // The code is in a template's text: the template gets a new version, the journey keeps its.
    expect(code.body.activeVersion).toBe(1);
    expect(code.body.changes.journey).toBe('unchanged');
    const wait = await enable('cart-abandonment', {
      params: { offerCode: 'SPRING15', firstWaitHours: 6 },
    });
    expect(wait.body.changes.journey).toBe('updated');
    expect(wait.body.activeVersion).toBe(2);
    expect(Object.values(code.body.changes.templates)).toContain('updated');
    expect(code.body.unchanged).toBe(false);
  });

  it('brings an edited or paused journey back to the flow with a new version', async () => {
    const first = await enable('browse-abandonment');
    const id = first.body.journeyId!;
    const journey = (await call<Journey>(`/api/v1/journeys/${id}`)).body;
    const edited = { ...journey.definition, description: 'edited by hand' };
    expect((await call(`/api/v1/journeys/${id}`, edited, 'PUT')).status).toBe(200);
    expect((await call(`/api/v1/journeys/${id}/activate`, {})).status).toBe(200);
    expect((await call(`/api/v1/journeys/${id}/pause`, {})).status).toBe(200);
    const back = await enable('browse-abandonment');
    expect(back.body).toMatchObject({ changes: { journey: 'updated' }, status: 'active' });
    expect(back.body.activeVersion).toBe(3);
    const draft = await enable('browse-abandonment', { activate: false });
    expect(draft.body.unchanged).toBe(true);
  });

  it('enables an archived flow again as a new journey', async () => {
    const first = await enable('price-drop');
    const id = first.body.journeyId!;
    expect((await call(`/api/v1/journeys/${id}/archive`, {})).status).toBe(200);
    const again = await enable('price-drop');
    expect(again.status).toBe(201);
    expect(again.body.journeyId).not.toBe(id);
    expect(again.body).toMatchObject({ status: 'active', activeVersion: 1 });
    const renamed = (await call<Journey>(`/api/v1/journeys/${again.body.journeyId}`)).body;
    expect(renamed.definition.name).toBe('Price drop (2)');
    // The new one is the flow's journey from now on: enabling again changes nothing.
    const third = await enable('price-drop');
    expect(third.body).toMatchObject({ unchanged: true, journeyId: again.body.journeyId });
  });

  it('declares the date fields and segments a flow reads', async () => {
    const birthday = await enable('birthday');
    expect(birthday.status).toBe(201);
    expect(birthday.body.changes.customFields).toEqual({ birthday: 'created' });
    const launch = await enable('new-product-launch');
    expect(Object.values(launch.body.changes.segments)).toEqual(['created']);
    expect((await enable('new-product-launch')).body.unchanged).toBe(true);
  });

  it('refuses bad parameters by field and writes nothing', async () => {
    const before = (await call<{ data: unknown[] }>('/api/v1/templates')).body.data.length;
    const bad = await enable('welcome-series', {
      params: { offerText: 'free {{ profile.email }}', nope: 1 },
    });
    expect(bad.status).toBe(400);
    const fields = errorEnvelopeSchema.parse(bad.body).error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['params.offerText', 'params.nope']));
    expect((await call<{ data: unknown[] }>('/api/v1/templates')).body.data.length).toBe(before);
    expect((await enable('nope')).status).toBe(404);
  });
});
