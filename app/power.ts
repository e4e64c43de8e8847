// The Pi's power and thermal state, acted on: stream `power`, `power_status` on every change, a warning when the
// battery runs low during a session, and a clean stop (`controller_battery`) at the floor, so the session's report
// is complete before the Pi browns out. Under-voltage and throttling are facts with times: a session's report
// joins them by its start and end (docs/storage.md).
import type { Logger } from 'pino';
import type { Actor } from 'xstate';
import { pollPowerActor } from '../adapters/power/actors.ts';
import type { Clock } from '../machines/clock.ts';
import type { PowerPort } from '../machines/power-port.ts';
import { powerFacts, type PowerFact } from '../machines/power-facts.ts';
import { DEFAULT_POWER_LIMITS, POWER_MACHINE_VERSION, powerMachine, type PowerLimits, type PowerMachine } from '../machines/power.ts';
import type { EventLog } from '../store/event-log.ts';
import { JournaledStream, startJournaledActor } from '../store/journal.ts';
import type { Broadcast } from '../transport/protocol.ts';
import { powerFactBroadcast, powerView } from '../transport/views-power.ts';

export interface PowerOptions {
  port: PowerPort;
  clock: Clock;
  log: EventLog;
  logger: Logger;
  emit: (b: Broadcast) => void;
  sessionShooting: () => boolean;
  /** Ends the running session cleanly, with its reason in the report. */
  stopSession: (reason: 'controller_battery') => void;
  hooks: { onError: (error: unknown) => void; onAppendFailed: (error: unknown, event: { type: string }) => void };
  limits?: PowerLimits;
  intervalMs?: number;
}

export class Power {
  private readonly machine: PowerMachine;
  private journal?: JournaledStream<PowerMachine>;
  private actor?: Actor<PowerMachine>;

  constructor(private readonly o: PowerOptions) {
    this.machine = powerMachine.provide({ actors: { poll: pollPowerActor(o.port, o.clock, { intervalMs: o.intervalMs ?? 30_000, logger: o.logger }) } });
  }

  start(): void {
    const journal = new JournaledStream(this.machine, 'power', this.o.log, this.o.clock, {
      machineVersion: POWER_MACHINE_VERSION,
      foldFromLastStart: true,
      facts: (previous, next, event) => powerFacts(previous, next, event),
      onTransition: (t) => {
        for (const fact of t.recorded.facts) {
          this.o.emit(powerFactBroadcast(fact, t.snapshot));
          this.act((fact.data as PowerFact).alerts, t.snapshot.context.reading?.battery?.percent ?? null);
        }
      },
    });
    this.journal = journal;
    this.actor = startJournaledActor(journal, { input: { limits: this.o.limits ?? DEFAULT_POWER_LIMITS, source: this.o.port.kind } }, this.o.hooks);
  }

  stop(): void {
    this.actor?.stop();
  }

  view() {
    return powerView(this.journal?.snapshot ?? null, this.o.port.kind);
  }

  private act(alerts: readonly string[], percent: number | null): void {
    const shooting = this.o.sessionShooting();
    if (alerts.includes('under_voltage')) this.o.logger.warn({ shooting }, 'under-voltage: the supply sags (recorded in the power stream)');
    if (alerts.includes('throttled') || alerts.includes('hot')) this.o.logger.warn({ shooting, alerts }, 'the Pi is throttled or hot (recorded in the power stream)');
    if (!shooting) return;
    if (alerts.includes('battery_floor')) {
      this.o.logger.error({ percent }, 'battery at the floor during a session: stopping it cleanly (controller_battery)');
      // Not from inside the transition being recorded: the stop is a transition of another stream.
      queueMicrotask(() => this.o.stopSession('controller_battery'));
    } else if (alerts.includes('low_battery')) {
      this.o.logger.warn({ percent }, 'battery low during a session');
    }
  }
}
