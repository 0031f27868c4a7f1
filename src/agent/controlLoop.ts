import { asyncScheduler, defer, exhaustMap, filter, from, identity, isObservable, map, Observable, of, share, startWith, switchMap, take, throttleTime, timer } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import { clipAction } from '../core/Action.js';
import type { AgentConfig } from '../core/config/agentConfig.js';
import type { Modality, Observation, RobotShapes } from '../core/Observation.js';
import { secondsBetween, toSeconds } from '../core/Timestamp.js';
import type { Controller, Decision } from './Controller.js';
import { LoopMetrics } from './LoopMetrics.js';
import type { ActionSink, AppliedAction } from './Sink.js';
import type { SensorSource } from './Source.js';
import { sensorMessageProblem } from './sensorMessageProblem.js';
import { closestInTime, synchronize } from './synchronize.js';

export type LoopEvent =
  | {
      readonly type: 'tick';
      readonly tick: number;
      readonly observation: Observation;
      readonly decision: Decision;
      /** The action as the sink applied it (with `unsent` when the decision did not go out). */
      readonly action: AppliedAction;
      /**
       * Whether the decision went out as a command. Only sent ticks are transitions: a
       * held-back decision changed nothing the arm does.
       */
      readonly sent: boolean;
      /** From receiving the synchronised observation to the action sent, milliseconds. */
      readonly latencyMs: number;
    }
  | { readonly type: 'safe_stop'; readonly reason: string }
  | { readonly type: 'goal'; readonly goal: Observation }
  /**
   * A sensor message the loop could not use (`rejected`: the message is dropped, see
   * sensorMessageProblem), or a stream whose clock jumped back (`clock_jump`: synchronisation
   * started afresh). Neither stops the loop.
   */
  | { readonly type: 'input_fault'; readonly fault: 'rejected' | 'clock_jump'; readonly modality: Modality; readonly reason: string };

export interface ControlLoop {
  /** Events of the loop; subscribing starts it, unsubscribing stops it and frees what it took. */
  readonly events$: Observable<LoopEvent>;
  readonly metrics: LoopMetrics;
}

/**
 * The perception-action loop: synchronise the source's sensors, hand the freshest
 * synchronised observation to the controller, clip the decision to the action space, send
 * it. With `config.controlHz` the loop decides at most once per control period, on the
 * freshest observation of the period (leading and trailing throttle), so a camera faster
 * than the control rate does not make decisions the sink would hold back. Observations that
 * arrive while the controller is busy are dropped (exhaustMap), never queued, so the
 * controller always works on fresh data. A watchdog commands a safe stop
 * when observations stop arriving or a decision overruns its budget (that decision is not
 * sent: it was made on stale data). The loop knows nothing of what the source and sink are.
 *
 * Bad input never stops the loop: a sensor message it cannot use (sensorMessageProblem: a
 * non-finite joint state, an image whose size disagrees with its data) is dropped, counted and
 * reported as an `input_fault` event, and so is a clock that jumps back (synchronisation starts
 * afresh at the new time rather than waiting for the stamps to pass the old ones).
 */
export function controlLoop(
  source: SensorSource,
  sink: ActionSink,
  controller: Controller,
  config: Readonly<AgentConfig>,
  scheduler: SchedulerLike = asyncScheduler,
): ControlLoop {
  if (!(config.controlHz >= 0)) throw new RangeError(`controlLoop: controlHz must be >= 0, got ${config.controlHz}`);
  const periodMs = config.controlHz > 0 ? 1000 / config.controlHz : 0;
  const metrics = new LoopMetrics(periodMs > 0 ? { staleAfterMs: periodMs / 2 } : {});
  const events$ = new Observable<LoopEvent>((subscriber) => {
    let tick = 0;
    let synced = 0;
    let taken = 0;
    const safeStop = (reason: string): void => {
      metrics.safeStop();
      sink.safeStop(reason);
      subscriber.next({ type: 'safe_stop', reason });
    };

    const inputFault = (fault: 'rejected' | 'clock_jump', modality: Modality, reason: string): void => {
      if (fault === 'rejected') metrics.rejected();
      else metrics.clockJump();
      subscriber.next({ type: 'input_fault', fault, modality, reason });
    };
    // Each stream through the check: a message the loop cannot use is dropped here, by name.
    const checked = <T extends object>(modality: Modality, stream: Observable<T> | undefined): Observable<T> | undefined =>
      stream?.pipe(
        filter((message) => {
          const problem = sensorMessageProblem(modality, message as never);
          if (problem !== undefined) inputFault('rejected', modality, problem);
          return problem === undefined;
        }),
      );
    const streams: Pick<SensorSource, 'rgb$' | 'depth$' | 'points$' | 'proprio$'> = {
      ...(source.rgb$ === undefined ? {} : { rgb$: checked('rgb', source.rgb$) }),
      ...(source.depth$ === undefined ? {} : { depth$: checked('depth', source.depth$) }),
      ...(source.points$ === undefined ? {} : { points$: checked('points', source.points$) }),
      ...(source.proprio$ === undefined ? {} : { proprio$: checked('proprio', source.proprio$) }),
    };
    const observations$ = synchronize(streams, {
      slopS: config.syncSlopMs / 1000,
      required: config.requiredModalities,
      optional: (['rgb', 'depth', 'points', 'proprio'] as const).filter((m) => !config.requiredModalities.includes(m)),
      waitS: config.syncWaitMs / 1000,
      onClockJump: (jump) =>
        inputFault('clock_jump', jump.modality, `${jump.modality} stamps went back ${(jump.fromS - jump.toS).toFixed(3)} s (from ${jump.fromS.toFixed(3)} to ${jump.toS.toFixed(3)} s): synchronisation starts afresh`),
      scheduler,
    }).pipe(share());

    // The robot's shapes of the last few instants, for the observations they belong to.
    const shapes: RobotShapes[] = [];
    const shapesSubscription = source.robotShapes$?.subscribe((s) => {
      shapes.push(s);
      if (shapes.length > ROBOT_SHAPES_KEPT) shapes.shift();
    });
    const withRobotShapes = (observation: Observation): Observation => {
      const at = robotShapesAt(shapes, observation, config.syncSlopMs / 1000);
      return at === undefined ? observation : { ...observation, robotShapes: at };
    };

    const goalSubscription = source.goal$.subscribe({
      next: (goal) => {
        controller.setGoal(goal);
        subscriber.next({ type: 'goal', goal });
      },
      error: (err: unknown) => subscriber.error(err),
    });

    // Silence on the synchronised stream for longer than the timeout: safe stop, once per silence.
    const watchdogSubscription = observations$
      .pipe(
        startWith(undefined),
        switchMap(() => timer(config.watchdog.observationTimeoutMs, scheduler)),
      )
      .subscribe(() => safeStop(`observations late: none synchronised for ${config.watchdog.observationTimeoutMs} ms`));

    const tickSubscription = observations$
      .pipe(
        map((observation) => {
          synced++;
          return { observation: withRobotShapes(observation), receivedAt: scheduler.now() };
        }),
        periodMs > 0 ? throttleTime(periodMs, scheduler, { leading: true, trailing: true }) : identity,
        exhaustMap(({ observation, receivedAt }) => {
          taken++;
          return defer(() => {
            const d = controller.decide(observation);
            return isObservable(d) ? d.pipe(take(1)) : d instanceof Promise ? from(d) : of(d);
          }).pipe(map((decision) => ({ observation, receivedAt, decision })));
        }),
      )
      .subscribe({
        next: ({ observation, receivedAt, decision }) => {
          metrics.dropped(synced - taken);
          synced = taken;
          if (decision.planningMs > config.watchdog.planTimeoutMs) {
            safeStop(`planner overran: ${decision.planningMs.toFixed(1)} ms > ${config.watchdog.planTimeoutMs} ms budget; its action was not sent`);
            return;
          }
          const action = sink.send(clipAction(source.actionSpace, decision.values));
          const now = scheduler.now();
          const latencyMs = now - receivedAt;
          const sent = action.unsent === undefined;
          const age = proprioAgeMs(observation);
          metrics.tick({
            atMs: now,
            latencyMs,
            planMs: decision.planningMs,
            planned: decision.mode === undefined || decision.mode === 'plan',
            sent,
            heldBack: action.unsent === 'held_back',
            ...(age === undefined ? {} : { proprioAgeMs: age }),
            ...(decision.info?.predictionError === undefined ? {} : { predictionError: decision.info.predictionError }),
          });
          subscriber.next({ type: 'tick', tick: tick++, observation, decision, action, sent, latencyMs });
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });

    return () => {
      tickSubscription.unsubscribe();
      watchdogSubscription.unsubscribe();
      goalSubscription.unsubscribe();
      shapesSubscription?.unsubscribe();
    };
  });
  return { events$, metrics };
}

/** Robot shapes kept for attaching: a few ticks' worth, as the synchroniser's buffers. */
const ROBOT_SHAPES_KEPT = 8;

/**
 * The robot shapes stamped closest to the observation's cloud (its newest part without one),
 * within `slopS`; undefined when none is that close. A cloud filtered with the shapes of
 * another instant would keep the links' points where they moved.
 */
export function robotShapesAt(shapes: readonly RobotShapes[], observation: Observation, slopS: number): RobotShapes | undefined {
  const stamp = observation.points?.stamp ?? observation.stamp;
  const best = closestInTime(shapes, toSeconds(stamp));
  return best !== undefined && Math.abs(secondsBetween(best.stamp, stamp)) <= slopS ? best : undefined;
}

/** How much older the joint state is than the newest frame of `o`, ms; undefined without both. */
export function proprioAgeMs(o: Observation): number | undefined {
  if (o.proprio === undefined) return undefined;
  let frame: Observation['stamp'] | undefined;
  for (const part of [o.rgb, o.depth, o.points]) {
    if (part !== undefined && (frame === undefined || secondsBetween(frame, part.stamp) > 0)) frame = part.stamp;
  }
  return frame === undefined ? undefined : secondsBetween(o.proprio.stamp, frame) * 1000;
}
