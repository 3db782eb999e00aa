/** Option parsers shared by every command, so the same option means the same thing everywhere. */
import { InvalidArgumentError } from 'commander';
import { tryParseIsoDate, tryParseMonth } from '../calendar/index.ts';

export function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n <= 0) {
      throw new InvalidArgumentError(`${name} must be a whole number greater than 0 (got "${v}")`);
    }
    return n;
  };
}

export function nonNegativeInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`${name} must be a whole number 0 or more (got "${v}")`);
    }
    return n;
  };
}

export function finiteNumber(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number (got "${v}")`);
    return n;
  };
}

export function month(name: string) {
  return (v: string): string => {
    if (tryParseMonth(v) === undefined) throw new InvalidArgumentError(`${name} must be a month YYYY-MM (got "${v}")`);
    return v;
  };
}

export function isoDay(name: string) {
  return (v: string): string => {
    if (tryParseIsoDate(v) === undefined) throw new InvalidArgumentError(`${name} must be a date YYYY-MM-DD (got "${v}")`);
    return v;
  };
}

/** Collects a repeatable option into an array. */
export function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}
