/**
 * Journey stories in given / when / then form: the events a child's stream already holds, the
 * command recorded next, and the events it yields or the rule it breaks.
 *
 *   given([registered, contact]).when(sampleCommand('ContactConcluded', 'c1', DAY)).then([...]);
 *   given(history).when(command).thenRefused('contact-not-open');
 */
import { expect } from 'vitest';
import { JourneyRuleError, journeyDecider, type JourneyRule, type JourneyState } from '../../src/events/journey.ts';
import type { CaseEvent, NewEvent } from '../../src/events/schema.ts';

export interface Story {
  /** The state the given events lead to. */
  readonly state: JourneyState;
  when(command: NewEvent): {
    /** The command is accepted and yields exactly `expected`; returns the state after them. */
    then(expected: readonly CaseEvent[]): JourneyState;
    /** The command is refused with `rule`. */
    thenRefused(rule: JourneyRule): void;
  };
}

/** A stream that already holds `events` (the first one's child is the stream's). */
export function given(events: readonly CaseEvent[], childId = events[0]?.childId ?? 'c1'): Story {
  const state = events.reduce(journeyDecider.evolve, journeyDecider.initialState(childId));
  return {
    state,
    when(command) {
      return {
        then(expected) {
          const got = journeyDecider.decide(command, state);
          expect(got).toEqual(expected);
          return got.reduce(journeyDecider.evolve, state);
        },
        thenRefused(rule) {
          let refused: unknown;
          try {
            journeyDecider.decide(command, state);
          } catch (err) {
            refused = err;
          }
          expect(refused, `${command.type} should be refused with ${rule}`).toBeInstanceOf(JourneyRuleError);
          expect((refused as JourneyRuleError).rule).toBe(rule);
        },
      };
    },
  };
}

/** The events `commands` record one after another on a new stream (each must be accepted). */
export function recorded(commands: readonly NewEvent[]): CaseEvent[] {
  const out: CaseEvent[] = [];
  let state = journeyDecider.initialState(commands[0]?.childId ?? 'c1');
  for (const c of commands) {
    const events = journeyDecider.decide(c, state);
    out.push(...events);
    state = events.reduce(journeyDecider.evolve, state);
  }
  return out;
}
