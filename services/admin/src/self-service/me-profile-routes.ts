// /me itself: who the user is, what their licence allows, whether location is paused and where
// their calls go now and why; pausing and resuming location (privacy mode); choosing a scenario
// for the next hours; and the targets the user's tier lets them route to.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { errors } from '../adapters/http/schemas.js';
import type { DevicePermissions, Tier } from '../domain/permissions.js';
import { AdminError } from '../errors.js';
import { ChoiceIn, Me, Profile, Target } from './me-schemas.js';
import { actorOfUser, type SelfServiceDeps } from './self-service-deps.js';

/** The tier the user's permissions amount to (the best licence among their enabled devices). */
export function tierOf(p: DevicePermissions): Tier {
  if (p.createTargets) return 'premium';
  return p.specificDestinations ? 'standard' : 'free';
}

async function profileOf(deps: SelfServiceDeps, extension: string) {
  const [displayName, permissions, pausedAt] = await Promise.all([
    deps.credentials.displayName(extension),
    deps.ownData.userPermissions(extension),
    deps.ownData.locationPausedAt(extension),
  ]);
  return {
    extension,
    displayName,
    tier: tierOf(permissions),
    permissions,
    locationPausedAt: pausedAt?.toISOString() ?? null,
  };
}

const tags = ['self-service'];
const ChoiceView = Type.Object({
  scenarioId: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
});

export function registerProfileRoutes(me: FastifyInstance, deps: SelfServiceDeps): void {
  registerProfile(me, deps);
  registerLocationPause(me, deps);
  registerScenarioChoice(me, deps);
  registerTargets(me, deps);
}

/** GET /me: the profile and where calls go now. */
function registerProfile(me: FastifyInstance, deps: SelfServiceDeps): void {
  me.withTypeProvider<TypeBoxTypeProvider>().get(
    '',
    {
      schema: {
        tags,
        summary:
          "The signed-in user: extension, name, tier and permissions, paused location, and where calls go now and why (routing.source 'last-announced' when router did not answer)",
        response: { 200: Me, ...errors },
      },
    },
    async (request) => {
      const extension = request.selfServiceUser!;
      const [profile, routing] = await Promise.all([
        profileOf(deps, extension),
        deps.routing.current(extension),
      ]);
      return { ...profile, routing };
    },
  );
}

/** POST /me/pause and /me/resume: privacy mode on and off. */
function registerLocationPause(me: FastifyInstance, deps: SelfServiceDeps): void {
  const api = me.withTypeProvider<TypeBoxTypeProvider>();
  for (const [path, paused] of [
    ['/pause', true],
    ['/resume', false],
  ] as const) {
    api.post(
      path,
      {
        schema: {
          tags,
          summary: paused
            ? 'Pause location (privacy mode): router ignores and keeps no presence until resumed'
            : 'Resume location: presence counts again',
          response: { 200: Profile, ...errors },
        },
      },
      async (request) => {
        const extension = request.selfServiceUser!;
        await deps.ownData.setLocationPaused(actorOfUser(extension), extension, paused);
        return profileOf(deps, extension);
      },
    );
  }
}

/** POST and DELETE /me/choice: one of the user's scenarios for the next hours, or none. */
function registerScenarioChoice(me: FastifyInstance, deps: SelfServiceDeps): void {
  const api = me.withTypeProvider<TypeBoxTypeProvider>();
  api.post(
    '/choice',
    {
      schema: {
        tags,
        summary: 'Send calls by one of your scenarios for the next `hours`, whatever else applies',
        body: ChoiceIn,
        response: { 202: ChoiceView, ...errors },
      },
    },
    async (request, reply) => {
      const extension = request.selfServiceUser!;
      const { scenarioId, hours } = request.body;
      const scenario = (await deps.ownData.scenarios(extension)).find((s) => s.id === scenarioId);
      if (!scenario) {
        throw new AdminError('ADMIN_SCENARIO_NOT_FOUND', `scenarioId: no scenario ${scenarioId} of yours`, {
          field: 'scenarioId',
        });
      }
      const expiresAt = new Date(Date.now() + hours * 3600_000);
      await deps.routing.choose(extension, scenarioId, expiresAt.getTime());
      await deps.credentials.audit(actorOfUser(extension), 'choose', 'scenario_choice', extension, {
        scenarioId,
        expiresAt: expiresAt.toISOString(),
      });
      return reply.code(202).send({ scenarioId, expiresAt: expiresAt.toISOString() });
    },
  );

  api.delete(
    '/choice',
    {
      schema: {
        tags,
        summary: 'Clear your scenario choice: your scenarios decide again',
        response: { 202: ChoiceView, ...errors },
      },
    },
    async (request, reply) => {
      const extension = request.selfServiceUser!;
      await deps.routing.choose(extension, '', 0);
      await deps.credentials.audit(actorOfUser(extension), 'clear', 'scenario_choice', extension, null);
      return reply.code(202).send({ scenarioId: '', expiresAt: null });
    },
  );
}

/** GET /me/targets: what the user's tier lets their scenarios route to. */
function registerTargets(me: FastifyInstance, deps: SelfServiceDeps): void {
  me.withTypeProvider<TypeBoxTypeProvider>().get(
    '/targets',
    {
      schema: {
        tags,
        summary:
          'The destinations your licence lets your scenarios use (SMART-… for all; your own <ext>-… from Standard)',
        response: { 200: Type.Object({ items: Type.Array(Target) }), ...errors },
      },
    },
    async (request) => {
      const extension = request.selfServiceUser!;
      const permissions = await deps.ownData.userPermissions(extension);
      return { items: await deps.targets.targets(extension, permissions) };
    },
  );
}
